package transcriptomics

import (
	"fmt"
	"math"
)

// Config holds every constant of the reaction-diffusion simulation. It serialises to JSON as the
// record of a data set. The zero value is not usable: start from DefaultConfig.
//
// The right-hand sides, with the signed constants as written in the authors' generator:
//
//	sox9' = ASox9 + K2·bmp + K3·wnt − sox9³
//	bmp'  = ABmp  + K4·sox9 + K5·bmp + DB·∇²bmp
//	wnt'  = AWnt  + K7·sox9 + K9·wnt + DW·∇²wnt
type Config struct {
	K2 float64 `json:"k2"`  // Bmp -> Sox9 (default 1)
	K3 float64 `json:"k3"`  // Wnt -> Sox9 (default -1)
	K4 float64 `json:"k4"`  // Sox9 -> Bmp (default 1.27)
	K5 float64 `json:"k5"`  // Bmp self-regulation (default -0.1)
	K7 float64 `json:"k7"`  // Sox9 -> Wnt (default 1.59)
	K9 float64 `json:"k9"`  // Wnt self-regulation (default -0.1)
	DB float64 `json:"d_b"` // Bmp diffusion coefficient (default 1)
	DW float64 `json:"d_w"` // Wnt diffusion coefficient (default 2.5)

	// ASox9, ABmp, AWnt are constant base production rates; the reference uses 0. (The paper's
	// Table 6 calls them U(-0.01, 0.01); in the code that distribution is the initial state.)
	ASox9 float64 `json:"a_sox9"`
	ABmp  float64 `json:"a_bmp"`
	AWnt  float64 `json:"a_wnt"`

	Points int     `json:"points"` // simulation grid points (default 300)
	DS     float64 `json:"ds"`     // grid spacing (default 0.2: space [0, 60))
	DT     float64 `json:"dt"`     // Euler time step (default 0.005)
	Steps  int     `json:"steps"`  // Euler steps simulated at most (default 20000: T = 100)

	// InitLow and InitHigh bound the uniform initial values (default -0.01 and 0.01).
	InitLow  float64 `json:"init_low"`
	InitHigh float64 `json:"init_high"`

	// ExactFrameTimes stores under frame label k the state after exactly k Euler steps (label 0
	// is the initial draw). The default (false) is the reference's convention: label k holds the
	// state after k+1 steps, so labels run from 0 to Steps-1.
	ExactFrameTimes bool `json:"exact_frame_times"`

	// DiffusionOnly drops every reaction term (base rates, regulation, -sox9³), leaving pure
	// diffusion of Bmp and Wnt and a constant Sox9. For checks of the discretisation.
	DiffusionOnly bool `json:"diffusion_only"`
}

// DefaultConfig returns the configuration that produced the authors' data (docs/REFERENCE.md §7).
func DefaultConfig() Config {
	return Config{
		K2: 1, K3: -1, K4: 1.27, K5: -0.1, K7: 1.59, K9: -0.1,
		DB: 1, DW: 2.5,
		Points: 300, DS: 0.2, DT: 0.005, Steps: 20000,
		InitLow: -0.01, InitHigh: 0.01,
	}
}

// MaxStabilityNumber is the largest diffusion number D·dt/ds² that Validate accepts; the
// explicit scheme is stable for the diffusion part only up to 1/2. The defaults give 0.3125.
const MaxStabilityNumber = 0.5

// Validate returns an error wrapping ErrConfig unless the sizes are positive, every constant is
// finite, the diffusion coefficients are non-negative, InitLow <= InitHigh and the explicit
// scheme is stable: max(DB, DW)·DT/DS² <= MaxStabilityNumber.
func (c Config) Validate() error {
	named := []struct {
		name string
		v    float64
	}{
		{"k2", c.K2}, {"k3", c.K3}, {"k4", c.K4}, {"k5", c.K5}, {"k7", c.K7}, {"k9", c.K9},
		{"d_b", c.DB}, {"d_w", c.DW}, {"a_sox9", c.ASox9}, {"a_bmp", c.ABmp}, {"a_wnt", c.AWnt},
		{"ds", c.DS}, {"dt", c.DT}, {"init_low", c.InitLow}, {"init_high", c.InitHigh},
	}
	for _, f := range named {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("transcriptomics: config %s = %v is not finite: %w", f.name, f.v, ErrConfig)
		}
	}
	switch {
	case c.Points < 3:
		return fmt.Errorf("transcriptomics: config points = %d, need at least 3 (two boundary points and one interior): %w", c.Points, ErrConfig)
	case c.DS <= 0:
		return fmt.Errorf("transcriptomics: config ds = %v, must be > 0: %w", c.DS, ErrConfig)
	case c.DT <= 0:
		return fmt.Errorf("transcriptomics: config dt = %v, must be > 0: %w", c.DT, ErrConfig)
	case c.Steps < 1:
		return fmt.Errorf("transcriptomics: config steps = %d, must be >= 1: %w", c.Steps, ErrConfig)
	case c.DB < 0 || c.DW < 0:
		return fmt.Errorf("transcriptomics: config d_b = %v, d_w = %v: diffusion coefficients must be >= 0: %w", c.DB, c.DW, ErrConfig)
	case c.InitLow > c.InitHigh:
		return fmt.Errorf("transcriptomics: config init_low = %v > init_high = %v: %w", c.InitLow, c.InitHigh, ErrConfig)
	}
	if r := c.StabilityNumber(); r > MaxStabilityNumber {
		return fmt.Errorf("transcriptomics: config max(d_b, d_w)·dt/ds² = %v exceeds %v: explicit Euler is unstable, lower dt or raise ds: %w", r, MaxStabilityNumber, ErrConfig)
	}
	return nil
}

// StabilityNumber returns max(DB, DW)·DT/DS², the diffusion number of the explicit scheme.
func (c Config) StabilityNumber() float64 {
	return math.Max(c.DB, c.DW) * c.DT / (c.DS * c.DS)
}

// MaxLabel returns the largest frame label that can be recorded: Steps-1 in the reference's
// convention, Steps with ExactFrameTimes.
func (c Config) MaxLabel() int {
	if c.ExactFrameTimes {
		return c.Steps
	}
	return c.Steps - 1
}

// stepsFor returns the number of Euler steps after which the frame with the given label is taken.
func (c Config) stepsFor(label int) int {
	if c.ExactFrameTimes {
		return label
	}
	return label + 1
}

// Time returns the physical time label·dt that the reference attaches to a frame label.
func (c Config) Time(label int) float64 { return float64(label) * c.DT }

// Space returns the position index·ds of a simulation grid point.
func (c Config) Space(index int) float64 { return float64(index) * c.DS }
