/**
 * Learning-rate and momentum schedules as pure functions of the step, and reduce-on-plateau with checkpointable state. No Spark here.
 */
package org.descent.schedule;
