// Package runlock keeps two processes from writing the same run folder or cache entry at once.
// A lock is an advisory file lock (github.com/gofrs/flock) on a file beside what it guards; the
// operating system releases it when its process ends, however it ends, so a lock cannot
// outlive a killed process. The file records the holder's process id, host and start time: a
// process that finds it busy names the holder, and one that takes over a lock file left by a
// stopped process says so.
package runlock
