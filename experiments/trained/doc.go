// Package trained trains an experiment's networks once and keeps them in the experiment's
// cache (experiments.Cache): the EMA weights as NAME.params, a Record as NAME.json under a key
// that holds everything that determines the weights (the code's fingerprint included), and
// the loss curve as NAME.loss.csv. A network whose entry exists with the key asked for is
// loaded instead of trained; training checkpoints into the cache's runs/ folder, so a run
// interrupted during training resumes from its last checkpoint, and the time spent before the
// interruption is kept for the record.
package trained
