package generative

import (
	"fmt"

	"github.com/ncgn/ncgn/schedules"
)

// Dynamics is a generative process as the trainer and the sampler use it: how a training pair
// is made from data and noise, at which noise levels the sampler evaluates the network, and how
// one evaluation moves the samples. DDPM and FlowMatching implement it; NewDynamics is the one
// place that chooses between them, so the loops hold a Dynamics and never branch on which.
type Dynamics interface {
	// TrainPair writes the network input x_t at level t for data x1 and standard normal noise
	// eps into xt, and the regression target into target (all of one length).
	TrainPair(xt, target, x1, eps []float64, t schedules.NoiseLevel) error
	// Levels returns the noise levels of the sampler's network evaluations, in order.
	Levels() []schedules.NoiseLevel
	// SampleStep moves the samples of st after evaluation k (0-based, of Levels) given the
	// network output out, which it may modify.
	SampleStep(st *SampleState, k int, out []float64) error
}

// SampleState is one batch of samples in the sampler: Batch samples, the first being generated
// sample First, concatenated in X.
type SampleState struct {
	X            []float64
	First, Batch int
	// Cond, if set, holds known entries fixed (conditioning by replacement).
	Cond *Condition
	// Noise returns fresh standard normal noise for every entry of X, each sample's from its own
	// stream; a step that needs none does not call it.
	Noise func() []float64

	// start and slope are a two-stage solver's memory within a step: the state at the step's
	// start and its first velocity.
	start, slope []float64
	// dopri is the adaptive solver's state (FlowConfig.Solver "dopri5").
	dopri *dopriState
}

// NewDynamics returns the process p with its configuration (ddpm for diffusion, flow for flow
// matching; zero fields take the defaults).
func NewDynamics(p Process, ddpm DDPMConfig, flow FlowConfig) (Dynamics, error) {
	switch p {
	case ProcessDiffusion:
		return NewDDPM(ddpm)
	case ProcessFlow:
		return NewFlowMatching(flow)
	}
	return nil, p.Validate()
}

// TrainPair noises x1 to the index i = TrainIndex(t), x_i = sqrt(ᾱ_i) x1 + sqrt(1-ᾱ_i) eps;
// the target is eps (epsilon prediction).
func (d *DDPM) TrainPair(xt, target, x1, eps []float64, t schedules.NoiseLevel) error {
	i, err := d.TrainIndex(t)
	if err != nil {
		return err
	}
	if err := d.AddNoise(xt, x1, eps, i); err != nil {
		return err
	}
	if len(target) != len(eps) {
		return fmt.Errorf("generative: DDPM target: %d noise values into %d: %w", len(eps), len(target), ErrShape)
	}
	copy(target, eps)
	return nil
}

// Levels returns Level(i) for each i of SamplingIndices.
func (d *DDPM) Levels() []schedules.NoiseLevel {
	idx := d.SamplingIndices()
	ts := make([]schedules.NoiseLevel, len(idx))
	for k, i := range idx {
		ts[k] = d.Level(i)
	}
	return ts
}

// SampleStep takes the reverse step (DDPM's, or DDIM's with Sampler "ddim") from
// SamplingIndices()[k] to the next index with fresh noise and then resets the known entries; the last evaluation (index 0) leaves the samples as
// they are (the reference's sampler).
func (d *DDPM) SampleStep(st *SampleState, k int, out []float64) error {
	idx := d.indices
	if k < 0 || k >= len(idx) {
		return fmt.Errorf("generative: DDPM sampling step %d of %d: %w", k, len(idx), ErrValue)
	}
	if k+1 == len(idx) {
		return nil
	}
	var err error
	if d.cfg.Sampler == SamplerDDIM {
		var z []float64
		if d.cfg.Eta > 0 && idx[k] > 0 {
			z = st.Noise()
		}
		err = d.DDIMStep(st.X, st.X, out, idx[k], idx[k+1], z)
	} else {
		err = d.Step(st.X, st.X, out, idx[k], idx[k+1], st.Noise())
	}
	if err != nil {
		return err
	}
	if st.Cond != nil {
		return st.Cond.Apply(st.X, st.First, st.Batch)
	}
	return nil
}

// TrainPair interpolates x_t = t x1 + (1 - t) eps; the target is the velocity x1 - eps.
func (f *FlowMatching) TrainPair(xt, target, x1, eps []float64, t schedules.NoiseLevel) error {
	if err := f.Interpolate(xt, eps, x1, t); err != nil {
		return err
	}
	return f.Target(target, eps, x1)
}

// Levels returns the levels of the solver's evaluations: Grid() for Euler (and, as a nominal
// list, for dopri5, whose levels Next gives as it goes); t_i and
// t_i + h/2 of each step for the midpoint rule; t_i and t_i + h for Heun's.
func (f *FlowMatching) Levels() []schedules.NoiseLevel {
	g := f.Grid()
	if f.cfg.Solver.Evaluations() == 1 {
		return g
	}
	second := f.StepSize()
	if f.cfg.Solver == SolverMidpoint {
		second /= 2
	}
	out := make([]schedules.NoiseLevel, 0, 2*len(g))
	for _, t := range g {
		out = append(out, t, schedules.NoiseLevel(min(float64(t)+second, 1)))
	}
	return out
}

// SampleStep masks the velocity of the known entries to 0 and advances the samples: one Euler
// step; or, for the two-stage solvers, after a step's first evaluation the state at which the
// second is made (x + h/2 v for the midpoint rule, x + h v for Heun's), and after the second
// the step's end (x + h v₂, or x + h/2 (v₁ + v₂)).
func (f *FlowMatching) SampleStep(st *SampleState, k int, out []float64) error {
	if st.Cond != nil {
		if err := st.Cond.MaskUpdate(out, st.First, st.Batch); err != nil {
			return err
		}
	}
	if f.cfg.Solver == SolverDopri5 {
		return f.dopriStep(st, out)
	}
	if f.cfg.Solver.Evaluations() == 1 {
		return f.Step(st.X, out)
	}
	if len(out) != len(st.X) {
		return fmt.Errorf("generative: %s step: %d velocities for %d values: %w", f.cfg.Solver, len(out), len(st.X), ErrShape)
	}
	h := f.StepSize()
	if k%2 == 0 {
		st.start = append(st.start[:0], st.X...)
		st.slope = append(st.slope[:0], out...)
		c := h
		if f.cfg.Solver == SolverMidpoint {
			c = h / 2
		}
		for j := range st.X {
			st.X[j] += c * out[j]
		}
		return nil
	}
	if len(st.start) != len(st.X) {
		return fmt.Errorf("generative: %s step: second evaluation %d without a first: %w", f.cfg.Solver, k, ErrValue)
	}
	for j := range st.X {
		if f.cfg.Solver == SolverMidpoint {
			st.X[j] = st.start[j] + h*out[j]
		} else {
			st.X[j] = st.start[j] + h/2*(st.slope[j]+out[j])
		}
	}
	return nil
}
