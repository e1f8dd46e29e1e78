// Package models holds the networks: the Dynamic Message Passing network (DMP) of the paper's
// Algorithm 1, the same network at full resolution as the kNN, long-short range and fully
// connected baselines, and DiT / DiT-DMP.
package models
