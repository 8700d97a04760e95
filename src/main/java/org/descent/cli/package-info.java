/**
 * The {@code descent} command line ({@code submit/descent}): subcommands, option parsing and exit
 * codes (0 success, 2 usage or configuration error, 1 runtime failure).
 */
package org.descent.cli;
