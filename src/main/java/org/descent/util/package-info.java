/** Small shared helpers with no numerical content (name suggestions for error messages). */
package org.descent.util;
