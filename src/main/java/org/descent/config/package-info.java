/** Configuration of training runs: HOCON files over the shipped defaults (Typesafe Config), validated with one-line errors. */
package org.descent.config;
