// Package plot draws the figures of the command line as PNG files (gonum/plot): the paper's
// Figure 5 (the four adaptive schedules, Schedules) and the graph of one cloud at a noise
// level (Figure 1 on real data, Plan). Files are written atomically.
package plot
