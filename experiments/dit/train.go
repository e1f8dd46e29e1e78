package dit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/ncgn/ncgn/datasets/images"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/internal/atomicfile"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/layers/optim"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// TrainConfig is the training of one network: DDPM ε-prediction with MSE plus, for a network
// that learns its variances (the reference's DiT), improved DDPM's variational-bound term on
// the variance values with the mean held fixed (DiT's hybrid loss), Adam with a linear
// warm-up, EMA of the weights, label dropout for classifier-free guidance.
type TrainConfig struct {
	Steps     int     `json:"steps"`
	BatchSize int     `json:"batch_size"`
	LR        float64 `json:"lr"`
	Warmup    int     `json:"warmup_steps"`
	EMADecay  float64 `json:"ema_decay"`
	// LabelDropout is the probability that an image's label is replaced by the null label
	// (DiT: 0.1), which trains the unconditional model of classifier-free guidance.
	LabelDropout float64 `json:"label_dropout"`
	// SharedIndex draws one DDPM index per batch (DiT-DMP, as the reference: the batch shares
	// one patch size); otherwise one per image (DiT).
	SharedIndex bool  `json:"shared_index"`
	Timesteps   int   `json:"timesteps"`
	Seed        int64 `json:"seed"`
	// CheckpointEvery is the interval of resumable checkpoints in steps.
	CheckpointEvery int `json:"checkpoint_every"`
}

// trainState is the checkpoint's record beside the parameters, optimiser and EMA.
type trainState struct {
	Step    int       `json:"step"`
	Seconds float64   `json:"seconds"`
	Losses  []float64 `json:"losses"`
}

// trainResult is a finished training.
type trainResult struct {
	Steps   int
	Seconds float64
	// Loss is the mean loss of the last tenth of the steps.
	Loss   float64
	Losses []float64
}

// train trains net on data (labels required when the network is class-conditional) with
// cfg, checkpointing into dir every cfg.CheckpointEvery steps and resuming from a checkpoint
// there; on success the network holds its EMA weights. logf receives a line now and then.
func train(ctx context.Context, net network, classes int, cfg TrainConfig, data *images.Set, dir string, logf func(string, ...any)) (trainResult, error) {
	ps := net.Params()
	opt, err := optim.NewAdam(ps, optim.Config{LR: cfg.LR, WarmupSteps: cfg.Warmup})
	if err != nil {
		return trainResult{}, fmt.Errorf("dit: %w", err)
	}
	ema, err := optim.NewEMA(ps, optim.EMAConfig{Decay: cfg.EMADecay})
	if err != nil {
		return trainResult{}, fmt.Errorf("dit: %w", err)
	}
	ddpm, err := generative.NewDDPM(generative.DDPMConfig{Timesteps: cfg.Timesteps})
	if err != nil {
		return trainResult{}, fmt.Errorf("dit: %w", err)
	}
	st := trainState{}
	if err := loadCheckpoint(dir, ps, opt, ema, &st); err != nil {
		return trainResult{}, err
	}
	if st.Step > 0 {
		logf("resuming training at step %d of %d", st.Step, cfg.Steps)
	}
	C, S, N := data.Channels, data.Size, data.Len()
	per := C * S * S
	start, last := time.Now(), time.Now()
	base := st.Seconds
	for st.Step < cfg.Steps {
		if err := ctx.Err(); err != nil {
			return trainResult{}, fmt.Errorf("dit: training stopped at step %d: %w", st.Step, err)
		}
		r := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(st.Step)))
		B := cfg.BatchSize
		idx := make([]int, B)
		steps := make([]float64, B)
		shared := r.IntN(cfg.Timesteps)
		for b := range B {
			idx[b] = shared
			if !cfg.SharedIndex {
				idx[b] = r.IntN(cfg.Timesteps)
			}
			steps[b] = float64(idx[b])
		}
		p, err := net.PatchAt(idx[0])
		if err != nil {
			return trainResult{}, err
		}
		var labels []int
		if classes > 0 {
			labels = make([]int, B)
		}
		x := make([]float64, 0, B*per)
		target := make([]float64, 0, B*per)
		picked := make([]int, B) // the images drawn, for the clean targets of the variance term
		xt, eps := make([]float64, per), make([]float64, per)
		for b := range B {
			j := r.IntN(N)
			for k := range eps {
				eps[k] = r.NormFloat64()
			}
			if err := ddpm.AddNoise(xt, data.Image(j), eps, idx[b]); err != nil {
				return trainResult{}, fmt.Errorf("dit: %w", err)
			}
			x = append(x, models.Patchify(xt, C, S, p)...)
			target = append(target, models.Patchify(eps, C, S, p)...)
			picked[b] = j
			if labels != nil {
				labels[b] = data.Labels[j]
				if r.Float64() < cfg.LabelDropout {
					labels[b] = classes // the null label
				}
			}
		}
		rows, cols := B*(S/p)*(S/p), p*p*C
		s := layers.NewScope(ps, true)
		xn, err := s.Input("x", x, rows, cols)
		if err != nil {
			return trainResult{}, err
		}
		tn, err := s.Input("eps", target, rows, cols)
		if err != nil {
			return trainResult{}, err
		}
		out, v, err := net.Forward(s, xn, p, steps, labels)
		if err != nil {
			return trainResult{}, err
		}
		loss, err := ops.MSE(out, tn)
		if err != nil {
			return trainResult{}, err
		}
		if v != nil {
			clean := make([]float64, 0, B*per)
			for _, j := range picked {
				clean = append(clean, models.Patchify(data.Image(j), C, S, p)...)
			}
			terms := ops.VLBTerms{Xt: x, X0: clean, Scale: float64(cfg.Timesteps) / 1000}
			for b := range B {
				a, bb, c1, c2, lo, hi, err := ddpm.VLBCoefficients(idx[b])
				if err != nil {
					return trainResult{}, fmt.Errorf("dit: %w", err)
				}
				terms.A, terms.B, terms.C1, terms.C2 = append(terms.A, a), append(terms.B, bb), append(terms.C1, c1), append(terms.C2, c2)
				terms.LogVarMin, terms.LogVarMax, terms.First = append(terms.LogVarMin, lo), append(terms.LogVarMax, hi), append(terms.First, idx[b] == 0)
			}
			vlb, err := ops.DiffusionVLB(out, v, terms)
			if err != nil {
				return trainResult{}, err
			}
			if loss, err = gorgonia.Add(loss, vlb); err != nil {
				return trainResult{}, fmt.Errorf("dit: %w", err)
			}
		}
		res, err := s.Run(loss)
		if err != nil {
			return trainResult{}, fmt.Errorf("dit: training step %d: %w", st.Step, err)
		}
		if err := opt.Step(); err != nil {
			return trainResult{}, fmt.Errorf("dit: %w", err)
		}
		if err := ema.Update(); err != nil {
			return trainResult{}, fmt.Errorf("dit: %w", err)
		}
		st.Step++
		st.Losses = append(st.Losses, res.Loss)
		st.Seconds = base + time.Since(start).Seconds()
		if cfg.CheckpointEvery > 0 && st.Step%cfg.CheckpointEvery == 0 && st.Step < cfg.Steps { // the last step's result is the caller's to keep
			if err := saveCheckpoint(dir, ps, opt, ema, st); err != nil {
				return trainResult{}, err
			}
		}
		if time.Since(last) > 30*time.Second || st.Step == cfg.Steps {
			last = time.Now()
			rate := float64(st.Step) / math.Max(st.Seconds, 1e-9)
			logf("train step %d of %d, loss %.4f, %.2f steps/s, about %s left", st.Step, cfg.Steps, res.Loss, rate, fmtDuration(float64(cfg.Steps-st.Step)/rate))
		}
	}
	if err := ema.Swap(); err != nil { // the network now holds the EMA weights
		return trainResult{}, fmt.Errorf("dit: %w", err)
	}
	tail := st.Losses[len(st.Losses)-max(1, len(st.Losses)/10):]
	var mean float64
	for _, l := range tail {
		mean += l / float64(len(tail))
	}
	return trainResult{Steps: st.Step, Seconds: st.Seconds, Loss: mean, Losses: st.Losses}, nil
}

func fmtDuration(s float64) string { return experiments.FormatSeconds(s) }

// Checkpoint files in a run folder.
const (
	ckptParams = "params.bin"
	ckptAdam   = "adam.bin"
	ckptEMA    = "ema.bin"
	ckptState  = "state.json"
)

// saveCheckpoint writes the state of a training run into dir, each file atomically; the
// state file last, so a checkpoint counts only once everything it names is written.
func saveCheckpoint(dir string, ps *layers.Params, opt *optim.Adam, ema *optim.EMA, st trainState) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("dit: checkpoint: %w", err)
	}
	if err := ps.Save(filepath.Join(dir, ckptParams)); err != nil {
		return fmt.Errorf("dit: checkpoint: %w", err)
	}
	for name, w := range map[string]func(io.Writer) error{ckptAdam: opt.Save, ckptEMA: ema.Save} {
		if err := atomicfile.Write(filepath.Join(dir, name), w); err != nil {
			return fmt.Errorf("dit: checkpoint %s: %w", name, err)
		}
	}
	return atomicfile.Write(filepath.Join(dir, ckptState), func(w io.Writer) error { return json.NewEncoder(w).Encode(st) })
}

// loadCheckpoint restores a training run from dir when it holds one (st is left as it is
// otherwise).
func loadCheckpoint(dir string, ps *layers.Params, opt *optim.Adam, ema *optim.EMA, st *trainState) error {
	b, err := os.ReadFile(filepath.Join(dir, ckptState))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("dit: checkpoint: %w", err)
	}
	if err := json.Unmarshal(b, st); err != nil {
		return fmt.Errorf("dit: checkpoint %s: %v: %w", filepath.Join(dir, ckptState), err, errConfig)
	}
	if err := ps.Load(filepath.Join(dir, ckptParams)); err != nil {
		return fmt.Errorf("dit: checkpoint: %w", err)
	}
	for name, load := range map[string]func(io.Reader) error{ckptAdam: opt.Load, ckptEMA: ema.Load} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("dit: checkpoint: %w", err)
		}
		err = load(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("dit: checkpoint %s: %w", name, err)
		}
	}
	return nil
}
