/** A real standalone Spark cluster on this machine (Master and Workers as separate processes, from the Maven jars), started and stopped by PID. */
package org.descent.cluster;
