// Package optim holds what updates the persistent parameters of package layers between
// training steps, in plain Go over the parameter tensors (float32 or float64): Adam and AdamW
// with PyTorch's exact semantics, global-norm gradient clipping, an exponential moving average
// (EMA) of the weights for sampling, the linear learning-rate warm-up of the reference, and
// checkpoint state (moments, step count, EMA copy) that resumes bit for bit.
//
// Why not gorgonia's solvers: gorgonia v0.9.18's AdamW updates a copy and never the weights, and
// a fresh expression graph is built every step (docs/GORGONIA.md), so solver state keyed to
// graph nodes would not survive anyway. Here state is keyed to the position of each parameter
// in its layers.Params (Param.Index), which is stable.
//
// One training step, after the gradients are in Param.Grad:
//
//	norm, err := optim.ClipGradNorm(ps.Learnables(), 1.0) // optional
//	err = adam.Step()                                      // lr = cfg.LR · warm-up factor
//	err = ema.Update()                                     // ema = d·ema + (1-d)·param
//
// and for sampling with the averaged weights: ema.Swap(), sample, ema.Swap().
//
// Element-wise work over large parameter sets is split over at most two goroutines by element
// index; every element is computed by the same arithmetic whatever the split, so results do not
// depend on the number of cores.
package optim
