package dit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"gorgonia.org/gorgonia"
)

// SampleConfig is how images are drawn from a trained network.
type SampleConfig struct {
	Timesteps int `json:"timesteps"`
	// Steps is the number of network evaluations (DDPM over evenly spaced indices; the
	// reference samples 250 of 1000).
	Steps int `json:"steps"`
	// Guidance is the classifier-free guidance scale: ε = ε(∅) + g (ε(y) − ε(∅)) on every
	// channel (DiT's sampler guides only the first three channels of its 4-channel latents);
	// g ≤ 1 samples with the labels alone (one evaluation per step).
	Guidance float64 `json:"guidance"`
	// Clip clips the x0 prediction to [−1, 1] (images); off for latents, as DiT's sampler.
	Clip  bool `json:"clip"`
	Batch int  `json:"batch"`
}

// sample draws one image per label (labels nil: unconditional, len n) with net, every image of
// a batch stepped together (DiT-DMP: one patch size per step), noise from seed (image j's
// from its own stream, so the images do not depend on the batch size).
func sample(ctx context.Context, net network, classes, channels, size, n int, labels []int, cfg SampleConfig, seed int64, logf func(string, ...any)) ([][]float64, error) {
	ddpm, err := generative.NewDDPM(generative.DDPMConfig{Timesteps: cfg.Timesteps, SamplingSteps: cfg.Steps, NoClip: !cfg.Clip})
	if err != nil {
		return nil, fmt.Errorf("dit: %w", err)
	}
	if labels != nil {
		n = len(labels)
	}
	idx := ddpm.SamplingIndices()
	per := channels * size * size
	out := make([][]float64, n)
	streams := make([]*rand.Rand, n)
	for j := range n {
		streams[j] = rand.New(rand.NewPCG(uint64(seed), uint64(j)))
		out[j] = make([]float64, per)
		for k := range out[j] {
			out[j][k] = streams[j].NormFloat64()
		}
	}
	guided := cfg.Guidance > 1 && labels != nil
	batch := max(cfg.Batch, 1)
	start, last := time.Now(), time.Now()
	for first := 0; first < n; first += batch {
		if logf != nil && time.Since(last) > 30*time.Second {
			last = time.Now()
			rate := float64(first) / time.Since(start).Seconds()
			logf("sampling: %d of %d images, about %s left", first, n, fmtDuration(float64(n-first)/rate))
		}
		last := min(first+batch, n)
		B := last - first
		var lab []int
		if labels != nil {
			lab = append(lab, labels[first:last]...)
			if guided {
				for range B {
					lab = append(lab, classes) // the null label: the unconditional half
				}
			}
		}
		z := make([]float64, per) // one image's step noise, reused
		rows := B
		if guided {
			rows = 2 * B
		}
		for k, i := range idx {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("dit: sampling stopped: %w", err)
			}
			p, err := net.PatchAt(i)
			if err != nil {
				return nil, err
			}
			T := (size / p) * (size / p)
			x := make([]float64, 0, rows*per)
			for j := first; j < last; j++ {
				x = append(x, models.Patchify(out[j], channels, size, p)...)
			}
			if guided {
				x = append(x, x...)
			}
			steps := make([]float64, rows)
			for b := range steps {
				steps[b] = float64(i)
			}
			s := layers.NewScope(net.Params(), false)
			xn, err := s.Input("x", x, rows*T, p*p*channels)
			if err != nil {
				return nil, err
			}
			e, v, err := net.Forward(s, xn, p, steps, lab)
			if err != nil {
				return nil, err
			}
			fetch := []*gorgonia.Node{e}
			if v != nil {
				fetch = append(fetch, v)
			}
			res, err := s.Run(nil, fetch...)
			if err != nil {
				return nil, fmt.Errorf("dit: sampling at index %d: %w", i, err)
			}
			ev := engine.ToFloat64s(res.Values[0])
			var vv []float64
			if v != nil {
				vv = engine.ToFloat64s(res.Values[1]) // the conditional half's, as DiT's sampler
			}
			for b := range B {
				j := first + b
				et := models.Unpatchify(ev[b*per:(b+1)*per], channels, size, p)
				if guided {
					eu := models.Unpatchify(ev[(B+b)*per:(B+b+1)*per], channels, size, p)
					for q := range et {
						et[q] = eu[q] + cfg.Guidance*(et[q]-eu[q])
					}
				}
				if k+1 == len(idx) {
					continue // the last evaluation leaves the sample as it is (generative.DDPM)
				}
				for q := range z {
					z[q] = streams[j].NormFloat64()
				}
				if vv == nil {
					err = ddpm.Step(out[j], out[j], et, i, idx[k+1], z)
				} else {
					err = ddpm.StepLearned(out[j], out[j], et, models.Unpatchify(vv[b*per:(b+1)*per], channels, size, p), i, idx[k+1], z)
				}
				if err != nil {
					return nil, fmt.Errorf("dit: %w", err)
				}
			}
		}
	}
	return out, nil
}
