// Package schedules holds the adaptive range/resolution schedules of Dynamic Message Passing,
// f(t, r0, r1, s0, s1) of the paper's Section 4: how many supernodes s_t and how many
// neighbours k_t the network uses at noise level t, in the linear, exp, log and relu forms of
// the paper's Figure 5, and the DiT-DMP patch-size schedule.
//
// It is the lowest package of the module (pure Go, no imports of ours) and owns the named type
// for the noise level, NoiseLevel: t = 0 is pure noise, t = 1 is data, everywhere.
package schedules
