/** File output helpers shared by commands, reports and checkpoints (atomic temporary-then-rename writes). */
package org.descent.io;
