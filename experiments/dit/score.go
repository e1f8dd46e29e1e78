package dit

import (
	"fmt"

	"github.com/ncgn/ncgn/metrics"
	"github.com/ncgn/ncgn/models"
)

// sfidChannels is the number of features per patch that sFID compares (Nash et al. take the
// first 7 channels of Inception's mixed_6/conv spatial features; here the first 8 of the
// classifier's per-patch features).
const sfidChannels = 8

// evaluator scores image sets against the reference set on the classifier's features.
type evaluator struct {
	c       *models.Classifier
	refPool [][]float64 // the reference set's hidden features (precision and recall)
	// poolG and spatialG are the Gaussians of the reference set's hidden and spatial features,
	// fitted once for every FID and sFID.
	poolG, spatialG metrics.Gaussian
	width           int
}

func newEvaluator(c *models.Classifier, ref [][]float64) (*evaluator, error) {
	f, err := c.Features(ref, 256)
	if err != nil {
		return nil, err
	}
	e := &evaluator{c: c, refPool: f.Pooled, width: c.Config().Width}
	if e.poolG, err = metrics.FitGaussian(f.Pooled); err != nil {
		return nil, fmt.Errorf("dit: reference features: %w", err)
	}
	if e.spatialG, err = metrics.FitGaussian(e.spatial(f.Spatial)); err != nil {
		return nil, fmt.Errorf("dit: reference spatial features: %w", err)
	}
	return e, nil
}

// frechet returns the Fréchet distance between the reference Gaussian ref and the Gaussian
// fitted to feats.
func frechet(ref metrics.Gaussian, feats [][]float64) (float64, error) {
	g, err := metrics.FitGaussian(feats)
	if err != nil {
		return 0, err
	}
	return metrics.FrechetDistance(ref, g)
}

// spatial keeps the first sfidChannels features of every patch.
func (e *evaluator) spatial(rows [][]float64) [][]float64 {
	k := min(sfidChannels, e.width)
	out := make([][]float64, len(rows))
	for i, r := range rows {
		for t := 0; t < len(r); t += e.width {
			out[i] = append(out[i], r[t:t+k]...)
		}
	}
	return out
}

// score returns FID, sFID, IS (10 splits, fewer for small sets), precision and recall (k = 3)
// of imgs against the reference set.
func (e *evaluator) score(imgs [][]float64) (map[string]float64, error) {
	f, err := e.c.Features(imgs, 256)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	if out[KeyFID], err = frechet(e.poolG, f.Pooled); err != nil {
		return nil, fmt.Errorf("dit: FID: %w", err)
	}
	if out[KeySFID], err = frechet(e.spatialG, e.spatial(f.Spatial)); err != nil {
		return nil, fmt.Errorf("dit: sFID: %w", err)
	}
	splits := min(10, max(1, len(imgs)/50))
	if out[KeyIS], _, err = metrics.InceptionScore(metrics.Softmax(f.Logits), splits); err != nil {
		return nil, fmt.Errorf("dit: Inception score: %w", err)
	}
	if out[KeyPrecision], out[KeyRecall], err = metrics.PrecisionRecall(e.refPool, f.Pooled, 3); err != nil {
		return nil, fmt.Errorf("dit: precision and recall: %w", err)
	}
	return out, nil
}
