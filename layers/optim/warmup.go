package optim

// Warmup is the linear learning-rate warm-up of the reference (a torch LambdaLR with
// lambda s: min(s, W)/W). With k the number of optimizer steps already taken, so k = 0 for
// the first step, the step runs at
//
//	lr_k = lr · min(k, W)/W   (W > 0),      lr_k = lr   (W = 0).
//
// This is LambdaLR's counting: the scheduler is built with epoch counter 0 (so the first
// optimizer.step() sees lambda(0)) and scheduler.step() after each optimizer step advances it.
// With the reference's W = 10 the first step has lr 0 (the moments are still updated), step
// k = 1 has lr/10, and every step from k = 10 on has the full lr.
type Warmup struct {
	Steps int `json:"steps"` // W; 0 means no warm-up
}

// Factor returns min(k, W)/W, or 1 when W ≤ 0; a negative k counts as 0.
func (w Warmup) Factor(k int) float64 {
	if w.Steps <= 0 {
		return 1
	}
	k = max(k, 0)
	// Same operations as Python's min(k, W) / W, then base_lr * factor in LR.
	return float64(min(k, w.Steps)) / float64(w.Steps)
}

// LR returns base·Factor(k), the learning rate of the step with 0-based index k.
func (w Warmup) LR(base float64, k int) float64 { return base * w.Factor(k) }
