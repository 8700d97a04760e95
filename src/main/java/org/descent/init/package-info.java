/**
 * Parameter initializers: constants, small random, Xavier/Glorot, He/Kaiming, LeCun, orthogonal and sparse initialization (Martens 2010). No Spark here.
 */
package org.descent.init;
