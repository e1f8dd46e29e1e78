// Package progress shows the progress of long loops (training, sampling, simulation): a
// progress bar on a terminal, and plain lines, at most one every 30 seconds and one at the
// end, where the output is not a terminal (a log file), so that logs hold no carriage-return
// frames.
package progress
