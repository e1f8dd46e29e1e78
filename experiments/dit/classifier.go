package dit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ncgn/ncgn/datasets/images"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/layers/optim"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/tensor"
)

// classifierRecord is what the cache keeps about the trained classifier.
type classifierRecord struct {
	Steps    int     `json:"steps"`
	Loss     float64 `json:"loss"`     // mean of the last tenth of the steps
	Accuracy float64 `json:"accuracy"` // on the reference set
	Seconds  float64 `json:"seconds"`
}

// trainClassifier trains the feature network on the training images (Adam, batch 128,
// images drawn with replacement from (seed, step)) and measures its accuracy on ref.
func trainClassifier(ctx context.Context, cfg models.ClassifierConfig, steps int, lr float64, train, ref *images.Set, seed int64) (*models.Classifier, classifierRecord, error) {
	ps, err := layers.NewParams(tensor.Float32, seed)
	if err != nil {
		return nil, classifierRecord{}, err
	}
	cfg.Channels, cfg.Size, cfg.Classes = train.Channels, train.Size, max(train.Classes, 2)
	c, err := models.NewClassifier(ps, cfg)
	if err != nil {
		return nil, classifierRecord{}, fmt.Errorf("dit: %w", err)
	}
	cfg = c.Config()
	opt, err := optim.NewAdam(ps, optim.Config{LR: lr})
	if err != nil {
		return nil, classifierRecord{}, fmt.Errorf("dit: %w", err)
	}
	const B = 128
	T, p := cfg.Tokens(), cfg.Patch
	start := time.Now()
	var losses []float64
	for step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, classifierRecord{}, fmt.Errorf("dit: classifier training stopped: %w", err)
		}
		r := rand.New(rand.NewPCG(uint64(seed), uint64(step)))
		x := make([]float64, 0, B*train.Channels*train.Size*train.Size)
		labels := make([]int, B)
		for b := range B {
			j := r.IntN(train.Len())
			x = append(x, models.Patchify(train.Image(j), train.Channels, train.Size, p)...)
			labels[b] = train.Labels[j]
		}
		s := layers.NewScope(ps, true)
		xn, err := s.Input("x", x, B*T, p*p*train.Channels)
		if err != nil {
			return nil, classifierRecord{}, err
		}
		o, err := c.Forward(s, xn, B)
		if err != nil {
			return nil, classifierRecord{}, err
		}
		l, err := ops.CrossEntropy(o.Logits, labels)
		if err != nil {
			return nil, classifierRecord{}, err
		}
		res, err := s.Run(l)
		if err != nil {
			return nil, classifierRecord{}, fmt.Errorf("dit: classifier step %d: %w", step, err)
		}
		if err := opt.Step(); err != nil {
			return nil, classifierRecord{}, fmt.Errorf("dit: %w", err)
		}
		losses = append(losses, res.Loss)
	}
	rec := classifierRecord{Steps: steps, Seconds: time.Since(start).Seconds()}
	tail := losses[len(losses)-max(1, len(losses)/10):]
	for _, l := range tail {
		rec.Loss += l / float64(len(tail))
	}
	f, err := c.Features(imagesOf(ref), 256)
	if err != nil {
		return nil, classifierRecord{}, err
	}
	right := 0
	for i, lg := range f.Logits {
		best := 0
		for k, v := range lg {
			if v > lg[best] {
				best = k
			}
		}
		if best == ref.Labels[i] {
			right++
		}
	}
	rec.Accuracy = float64(right) / float64(len(f.Logits))
	return c, rec, nil
}

// imagesOf returns the images of a set as rows.
func imagesOf(s *images.Set) [][]float64 {
	out := make([][]float64, s.Len())
	for i := range out {
		out[i] = s.Image(i)
	}
	return out
}
