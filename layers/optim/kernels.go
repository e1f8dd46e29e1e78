package optim

import (
	"math"
	"runtime"
	"sync"
)

// Element-wise kernels over one contiguous range of a tensor, generic over the two dtypes.
// Float32 data is computed in float32 with the scalars rounded to float32, as PyTorch does.
// Where PyTorch rounds a product before adding, the product is converted explicitly, which
// forbids the compiler to fuse x*y+z into one FMA (the Go spec allows fusion otherwise, e.g. on
// arm64 or with GOAMD64=v3); where PyTorch fuses, math.FMA is called. Either way the result is
// the same on every platform and for every split of the work.

// float is the element type of parameter tensors.
type float interface{ ~float32 | ~float64 }

// adamCoef holds the per-step scalars of one Adam update, rounded to the dtype T.
type adamCoef[T float] struct {
	b1, omb1   T // β1 and 1-β1
	b2, omb2   T // β2 and 1-β2
	bc2sqrt    T // sqrt(1 - β2^t)
	negStep    T // -lr/(1 - β1^t)
	eps        T
	wd         T // L2 weight decay λ added to the gradient (KindAdam), or 0
	decay      T // decoupled factor 1 - lr·λ (KindAdamW)
	l2, decoup bool
}

// newAdamCoef rounds the float64 scalars of one step to T.
func newAdamCoef[T float](cfg Config, lr float64, step int) adamCoef[T] {
	bc1 := 1 - powInt(cfg.Beta1, step)
	bc2 := 1 - powInt(cfg.Beta2, step)
	c := adamCoef[T]{
		b1: T(cfg.Beta1), omb1: T(1 - cfg.Beta1),
		b2: T(cfg.Beta2), omb2: T(1 - cfg.Beta2),
		bc2sqrt: T(math.Sqrt(bc2)),
		negStep: T(-(lr / bc1)),
		eps:     T(cfg.Eps),
	}
	if cfg.WeightDecay != 0 {
		if cfg.Kind == KindAdamW {
			c.decoup, c.decay = true, T(1-lr*cfg.WeightDecay)
		} else {
			c.l2, c.wd = true, T(cfg.WeightDecay)
		}
	}
	return c
}

// powInt returns x^n for n ≥ 0, computed in double-double arithmetic by repeated squaring and
// rounded once. PyTorch evaluates beta ** step in Python, i.e. with the C library's pow, which
// glibc rounds correctly; Go's math.Pow is off by an ulp or more for most integer exponents
// above 3, an error that 1 - β2^t (≈ 0.001·t early on) magnifies a thousandfold. This agrees
// with glibc's pow bit for bit in more than 99.9 % of the (β, t) tried (β in {0.5, ..., 0.9999},
// t ≤ 3000).
func powInt(x float64, n int) float64 {
	rh, rl := 1.0, 0.0 // result
	bh, bl := x, 0.0   // x^(2^k)
	for n > 0 {
		if n&1 == 1 {
			rh, rl = ddMul(rh, rl, bh, bl)
		}
		if n >>= 1; n > 0 {
			bh, bl = ddMul(bh, bl, bh, bl)
		}
	}
	return rh + rl
}

// ddMul returns the double-double product (ah + al)·(bh + bl), renormalised.
func ddMul(ah, al, bh, bl float64) (hi, lo float64) {
	p := ah * bh
	e := math.FMA(ah, bh, -p) // exact error of p
	e += ah*bl + al*bh
	hi = p + e
	return hi, e - (hi - p)
}

// adamKernel applies one Adam step to p with gradient g and moments m, v (same length), in
// the order of torch's _single_tensor_adam / _single_tensor_adamw:
//
//	g ← g + λ·p                         (KindAdam with λ > 0; Grad itself is not changed)
//	p ← p·(1 - lr·λ)                    (KindAdamW with λ > 0)
//	m ← β1·m + (1-β1)·g
//	v ← β2·v + ((1-β2)·g)·g
//	p ← p + (-lr/(1-β1^t))·m / (sqrt(v)/sqrt(1-β2^t) + eps)
//
// PyTorch's CPU kernels for add(alpha) and addcmul (built for AVX2 and up) compute
// a + alpha·b and a + (s·b)·c with one fused multiply-add; fma does the same here, so that
// float64 results agree with torch bit for bit (checked against torch 1.13 in the golden test).
func adamKernel[T float](p, g, m, v []T, c adamCoef[T]) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i, pi := range p {
		gi := g[i]
		if c.l2 {
			gi = fma(c.wd, pi, gi)
		}
		if c.decoup {
			pi = T(pi * c.decay)
		}
		mi := fma(c.omb1, gi, T(m[i]*c.b1))
		vi := fma(T(c.omb2*gi), gi, T(v[i]*c.b2))
		m[i], v[i] = mi, vi
		den := T(T(math.Sqrt(float64(vi)))/c.bc2sqrt) + c.eps
		p[i] = pi + T(T(c.negStep*mi)/den)
	}
}

// fma returns x·y + z rounded once in float64 and then to T. For float32 the product is exact
// in float64, so only a sum that lands on a float32 rounding boundary after the float64 rounding
// can differ from a true float32 fused multiply-add.
func fma[T float](x, y, z T) T { return T(math.FMA(float64(x), float64(y), float64(z))) }

// emaKernel sets e ← d·e + (1-d)·p with omd = 1-d, as the reference's
// td.copy_(td*decay + sd*(1-decay)).
func emaKernel[T float](e, p []T, d, omd T) {
	p = p[:len(e)]
	for i, ei := range e {
		e[i] = T(ei*d) + T(p[i]*omd)
	}
}

// scaleKernel sets x ← s·x.
func scaleKernel[T float](x []T, s T) {
	for i := range x {
		x[i] *= s
	}
}

// sumSquares returns Σ x_i² accumulated in float64 in index order.
func sumSquares[T float](x []T) float64 {
	s := 0.0
	for _, v := range x {
		f := float64(v)
		s += f * f
	}
	return s
}

// firstNonFinite returns the index of the first NaN or Inf in x, or -1.
func firstNonFinite[T float](x []T) int {
	for i, v := range x {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return i
		}
	}
	return -1
}

// span is the element range [lo, hi) of tensor t in a list of tensors.
type span struct{ t, lo, hi int }

const (
	// maxWorkers caps the goroutines of one element-wise pass (the target machines have 2 cores
	// shared with the tape machine's own work).
	maxWorkers = 2
	// minParallelElems is the total size below which a pass stays on the calling goroutine.
	minParallelElems = 1 << 16
)

// defaultWorkers is min(GOMAXPROCS, maxWorkers), or 1 for fewer than minParallelElems elements.
func defaultWorkers(total int) int {
	if total < minParallelElems {
		return 1
	}
	return max(1, min(runtime.GOMAXPROCS(0), maxWorkers))
}

// partition splits the elements of tensors of the given sizes, in order, into `parts` runs of
// near-equal total length; a run may cross tensor boundaries and a tensor may be cut.
func partition(sizes []int, parts int) [][]span {
	total := 0
	for _, n := range sizes {
		total += n
	}
	parts = max(1, min(parts, total))
	out := make([][]span, parts)
	t, off := 0, 0 // current tensor and offset in it
	for k := range parts {
		want := total*(k+1)/parts - total*k/parts
		for want > 0 && t < len(sizes) {
			take := min(want, sizes[t]-off)
			if take > 0 {
				out[k] = append(out[k], span{t, off, off + take})
			}
			off += take
			want -= take
			if off == sizes[t] {
				t, off = t+1, 0
			}
		}
	}
	return out
}

// run calls body for every span of every part, the parts concurrently (the last one on the
// calling goroutine). Spans never overlap, so the result does not depend on scheduling.
func run(parts [][]span, body func(s span)) {
	if len(parts) == 1 {
		for _, s := range parts[0] {
			body(s)
		}
		return
	}
	var wg sync.WaitGroup
	for _, part := range parts[:len(parts)-1] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, s := range part {
				body(s)
			}
		}()
	}
	for _, s := range parts[len(parts)-1] {
		body(s)
	}
	wg.Wait()
}
