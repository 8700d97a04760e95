/** Test support shared by the test classes: PyTorch reference fixtures. */
package org.descent.testing;
