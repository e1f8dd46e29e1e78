package generative

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/schedules"
)

// DefaultTolerance is the relative and absolute tolerance of the adaptive solver.
const DefaultTolerance = 1e-3

// The Dormand-Prince 5(4) tableau (Dormand and Prince, 1980; torchdiffeq's "dopri5"): the
// nodes c, the stage coefficients a (row s gives stage s from stages 0 … s-1; row 6 is the
// fifth-order solution, so stage 6 is the first stage of the next step: FSAL), and e, the
// difference of the fifth- and fourth-order weights, which estimates the local error.
var (
	dopriC = [7]float64{0, 1. / 5, 3. / 10, 4. / 5, 8. / 9, 1, 1}
	dopriA = [7][6]float64{
		{},
		{1. / 5},
		{3. / 40, 9. / 40},
		{44. / 45, -56. / 15, 32. / 9},
		{19372. / 6561, -25360. / 2187, 64448. / 6561, -212. / 729},
		{9017. / 3168, -355. / 33, 46732. / 5247, 49. / 176, -5103. / 18656},
		{35. / 384, 0, 500. / 1113, 125. / 192, -2187. / 6784, 11. / 84},
	}
	dopriE = [7]float64{35./384 - 5179./57600, 0, 500./1113 - 7571./16695, 125./192 - 393./640,
		-2187./6784 + 92097./339200, 11./84 - 187./2100, -1. / 40}
)

// dopriState is one batch's place in the adaptive integration: the time t and state x0 at the
// start of the current step, its size h, the stage slopes k, and the stage whose evaluation
// is pending.
type dopriState struct {
	t, h   float64
	x0     []float64
	k      [7][]float64
	stage  int
	done   bool
	steps  int // accepted steps
	reject int // rejected steps
}

// adaptive is a process whose evaluation levels depend on the samples: Next returns the level
// of evaluation k of the batch st, or false when the batch is done.
type adaptive interface {
	Next(st *SampleState, k int) (schedules.NoiseLevel, bool)
}

// Next returns the level of the batch's next evaluation: Levels()[k] for the fixed-step
// solvers; for Dormand-Prince, the time of the pending stage (the first call starts at t = 0
// with step 1/Steps), and false once the batch has reached t = 1.
func (f *FlowMatching) Next(st *SampleState, k int) (schedules.NoiseLevel, bool) {
	if f.cfg.Solver != SolverDopri5 {
		if k < len(f.levels) {
			return f.levels[k], true
		}
		return 0, false
	}
	if st.dopri == nil {
		st.dopri = &dopriState{h: f.StepSize(), x0: append([]float64(nil), st.X...)}
	}
	d := st.dopri
	if d.done {
		return 0, false
	}
	return schedules.NoiseLevel(min(d.t+dopriC[d.stage]*d.h, 1)), true
}

// dopriStep takes the slope out of the pending stage and moves the batch to its next stage,
// accepting or rejecting the step after its last stage by the error estimate (the RMS of
// err / (tol + tol·max(|x0|, |x1|)) at most 1), and sizing the next step by
// 0.9·err^(-1/5), clamped to [0.2, 10] times the last and to the time left.
func (f *FlowMatching) dopriStep(st *SampleState, out []float64) error {
	d := st.dopri
	if d == nil || d.done {
		return fmt.Errorf("generative: dopri5 step without a pending evaluation: %w", ErrValue)
	}
	if len(out) != len(st.X) {
		return fmt.Errorf("generative: dopri5 step: %d velocities for %d values: %w", len(out), len(st.X), ErrShape)
	}
	d.k[d.stage] = append(d.k[d.stage][:0], out...)
	if d.stage < 6 {
		d.stage++
		f.dopriStage(st)
		return nil
	}
	tol := f.cfg.Tolerance
	var sum float64
	for j := range st.X {
		var e float64
		for s := range 7 {
			e += dopriE[s] * d.k[s][j]
		}
		sc := tol + tol*math.Max(math.Abs(d.x0[j]), math.Abs(st.X[j]))
		r := d.h * e / sc
		sum += r * r
	}
	errNorm := math.Sqrt(sum / float64(len(st.X)))
	factor := 10.0
	if errNorm > 0 {
		factor = math.Min(10, math.Max(0.2, 0.9*math.Pow(errNorm, -0.2)))
	}
	if errNorm <= 1 {
		d.t += d.h
		d.steps++
		copy(d.x0, st.X)
		d.k[0] = append(d.k[0][:0], d.k[6]...)
		if d.t >= 1-1e-12 {
			d.done = true
			return nil
		}
	} else {
		d.reject++
		copy(st.X, d.x0)
	}
	d.h = math.Min(d.h*factor, 1-d.t)
	d.stage = 1
	f.dopriStage(st)
	return nil
}

// dopriStage writes the state of the pending stage s: x0 + h Σ_{j<s} a[s][j] k[j].
func (f *FlowMatching) dopriStage(st *SampleState) {
	d := st.dopri
	s := d.stage
	for j := range st.X {
		v := d.x0[j]
		for q := range s {
			v += d.h * dopriA[s][q] * d.k[q][j]
		}
		st.X[j] = v
	}
}
