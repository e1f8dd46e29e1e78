package metrics

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// Gaussian is the mean and covariance of a set of feature vectors: the statistics FID
// compares.
type Gaussian struct {
	Mean []float64
	Cov  *mat.SymDense
}

// checkFeatures returns the dimension of a feature set of at least minRows vectors of one
// length, every value finite (checkVectors); name labels the set in errors.
func checkFeatures(x [][]float64, minRows int, name string) (int, error) {
	if len(x) < minRows {
		return 0, fmt.Errorf("metrics: %s: %d feature vectors, want at least %d: %w", name, len(x), minRows, ErrShape)
	}
	return checkVectors(name, x, -1)
}

// FitGaussian returns the mean and the unbiased covariance (divisor n − 1, as numpy.cov and
// pytorch-fid) of the rows of x (at least two).
func FitGaussian(x [][]float64) (Gaussian, error) {
	d, err := checkFeatures(x, 2, "Gaussian fit")
	if err != nil {
		return Gaussian{}, err
	}
	n := float64(len(x))
	mean := make([]float64, d)
	for _, r := range x {
		for j, v := range r {
			mean[j] += v / n
		}
	}
	cov := mat.NewSymDense(d, nil)
	c := make([]float64, d)
	for _, r := range x {
		for j := range d {
			c[j] = r[j] - mean[j]
		}
		for a := range d {
			for b := a; b < d; b++ {
				cov.SetSym(a, b, cov.At(a, b)+c[a]*c[b]/(n-1))
			}
		}
	}
	return Gaussian{Mean: mean, Cov: cov}, nil
}

// sqrtPSD returns the symmetric square root of a symmetric positive semi-definite matrix
// (negative eigenvalues of rounding clamped to 0).
func sqrtPSD(a *mat.SymDense) (*mat.SymDense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		return nil, fmt.Errorf("metrics: eigendecomposition failed: %w", ErrValue)
	}
	vals := eig.Values(nil)
	var v mat.Dense
	eig.VectorsTo(&v)
	n := len(vals)
	scaled := mat.NewDense(n, n, nil) // V diag(√λ)
	for i := range n {
		for k, l := range vals {
			scaled.Set(i, k, v.At(i, k)*math.Sqrt(math.Max(l, 0)))
		}
	}
	var full mat.Dense
	full.Mul(scaled, v.T())
	out := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			out.SetSym(i, j, (full.At(i, j)+full.At(j, i))/2)
		}
	}
	return out, nil
}

// FrechetDistance returns the Fréchet distance between two Gaussians,
//
//	‖μa − μb‖² + tr(Σa) + tr(Σb) − 2 tr((Σa Σb)^{1/2}),
//
// with tr((Σa Σb)^{1/2}) computed exactly as the sum of the square roots of the eigenvalues
// of the symmetric Σa^{1/2} Σb Σa^{1/2} (which has the same spectrum as Σa Σb).
func FrechetDistance(a, b Gaussian) (float64, error) {
	d := len(a.Mean)
	if d == 0 || len(b.Mean) != d || a.Cov == nil || b.Cov == nil || a.Cov.SymmetricDim() != d || b.Cov.SymmetricDim() != d {
		return 0, fmt.Errorf("metrics: Fréchet distance between Gaussians of dimension %d and %d: %w", d, len(b.Mean), ErrShape)
	}
	var dist float64
	for i := range d {
		dist += (a.Mean[i] - b.Mean[i]) * (a.Mean[i] - b.Mean[i])
		dist += a.Cov.At(i, i) + b.Cov.At(i, i)
	}
	sa, err := sqrtPSD(a.Cov)
	if err != nil {
		return 0, err
	}
	var m, tmp mat.Dense
	tmp.Mul(sa, b.Cov)
	m.Mul(&tmp, sa)
	sym := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, false) {
		return 0, fmt.Errorf("metrics: eigendecomposition failed: %w", ErrValue)
	}
	for _, l := range eig.Values(nil) {
		dist -= 2 * math.Sqrt(math.Max(l, 0))
	}
	return math.Max(dist, 0), nil
}

// FID returns the Fréchet distance between the Gaussians fitted to two feature sets (FID
// when the features are Inception's pool features; here, whichever network's the caller
// names).
func FID(real, fake [][]float64) (float64, error) {
	a, err := FitGaussian(real)
	if err != nil {
		return 0, fmt.Errorf("metrics: FID reference set: %w", err)
	}
	b, err := FitGaussian(fake)
	if err != nil {
		return 0, fmt.Errorf("metrics: FID generated set: %w", err)
	}
	return FrechetDistance(a, b)
}

// InceptionScore returns exp(E_x KL(p(y|x) ‖ p(y))) of class probabilities probs (one row per
// sample, each summing to 1), computed on splits equal parts as the usual implementation
// does, with its mean and standard deviation over the parts (splits 1: one score, SD 0). It
// lies between 1 (every sample predicts the same) and the number of classes (confident and
// evenly spread).
func InceptionScore(probs [][]float64, splits int) (mean, sd float64, err error) {
	k, err := checkFeatures(probs, 1, "Inception score")
	if err != nil {
		return 0, 0, err
	}
	if splits < 1 || splits > len(probs) {
		return 0, 0, fmt.Errorf("metrics: Inception score of %d samples in %d splits: %w", len(probs), splits, ErrShape)
	}
	for i, p := range probs {
		var s float64
		for _, v := range p {
			if v < 0 {
				return 0, 0, fmt.Errorf("metrics: Inception score: sample %d has probability %v: %w", i, v, ErrValue)
			}
			s += v
		}
		if math.Abs(s-1) > 1e-6 {
			return 0, 0, fmt.Errorf("metrics: Inception score: sample %d's probabilities sum to %v: %w", i, s, ErrValue)
		}
	}
	scores := make([]float64, splits)
	n := len(probs)
	for sp := range splits {
		part := probs[sp*n/splits : (sp+1)*n/splits]
		marg := make([]float64, k)
		for _, p := range part {
			for j, v := range p {
				marg[j] += v / float64(len(part))
			}
		}
		var kl float64
		for _, p := range part {
			for j, v := range p {
				if v > 0 {
					kl += v * (math.Log(v) - math.Log(marg[j]))
				}
			}
		}
		scores[sp] = math.Exp(kl / float64(len(part)))
	}
	for _, s := range scores {
		mean += s / float64(splits)
	}
	for _, s := range scores {
		sd += (s - mean) * (s - mean) / float64(splits)
	}
	return mean, math.Sqrt(sd), nil
}

// Softmax returns the row-wise softmax of logits, shifted by each row's maximum.
func Softmax(logits [][]float64) [][]float64 {
	out := make([][]float64, len(logits))
	for i, r := range logits {
		m := math.Inf(-1)
		for _, v := range r {
			m = math.Max(m, v)
		}
		var z float64
		out[i] = make([]float64, len(r))
		for j, v := range r {
			out[i][j] = math.Exp(v - m)
			z += out[i][j]
		}
		for j := range r {
			out[i][j] /= z
		}
	}
	return out
}

// PrecisionRecall returns the improved precision and recall of Kynkäänniemi et al. (2019)
// between real and fake feature sets with k nearest neighbours (their k = 3): each set's
// manifold is the union of balls around its vectors reaching their k-th nearest neighbour in
// the same set (Euclidean); precision is the fraction of fake vectors inside the real
// manifold, recall the fraction of real vectors inside the fake manifold.
func PrecisionRecall(real, fake [][]float64, k int) (precision, recall float64, err error) {
	d, err := checkFeatures(real, k+1, "precision/recall real set")
	if err != nil {
		return 0, 0, err
	}
	df, err := checkFeatures(fake, k+1, "precision/recall generated set")
	if err != nil {
		return 0, 0, err
	}
	if d != df || k < 1 {
		return 0, 0, fmt.Errorf("metrics: precision/recall of %d- and %d-dimensional features with k = %d: %w", d, df, k, ErrShape)
	}
	return coverage(fake, real, k), coverage(real, fake, k), nil
}

// coverage returns the fraction of the vectors of q inside the k-NN manifold of ref.
func coverage(q, ref [][]float64, k int) float64 {
	radius := make([]float64, len(ref))
	dists := make([]float64, len(ref))
	for i, a := range ref {
		for j, b := range ref {
			dists[j] = sqDist(a, b)
		}
		sort.Float64s(dists)
		radius[i] = dists[k] // dists[0] is the vector itself
	}
	in := 0
	for _, a := range q {
		for i, b := range ref {
			if sqDist(a, b) <= radius[i] {
				in++
				break
			}
		}
	}
	return float64(in) / float64(len(q))
}
