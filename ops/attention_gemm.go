package ops

import (
	"math"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gemm"
	"github.com/ncgn/ncgn/internal/parallel"
	"gonum.org/v1/gonum/blas"
)

// Full attention (every query attends to every token of its sequence) is computed per
// (sequence, head) as matrix products on the project's BLAS, head h's Q_h, K_h, V_h being the
// [tokens, d] column blocks of q, k and v with leading dimension D:
//
//	forward   S = Q_h K_hᵀ,  P = softmax(S/√d) row by row (float64),  O_h = P V_h
//	backward  dP = G_h V_hᵀ,  dS = P ∘ (dP − rowsum(P ∘ dP)) / √d,
//	          dQ_h = dS K_h,  dK_h = dSᵀ Q_h,  dV_h = Pᵀ G_h
//
// The per-query loops of attentionForward and attentionBackward compute the same with the keys
// restricted (neighbourhood attention); in float32 the two agree to rounding (the products sum
// in another order and take P in float32).

// attentionForwardFull is attentionForward for a plan without key lists.
func attentionForwardFull[T engine.Float](pl attnPlan, q, k, v, out []T, probs []float64) {
	t := pl.tokens
	D := len(q) / (pl.seqs * t)
	d := D / pl.heads
	scale := 1 / math.Sqrt(float64(d))
	parallel.For(pl.seqs*pl.heads, 4*pl.pairs*d, func(lo, hi int) {
		s := make([]T, t*t)
		for u := lo; u < hi; u++ {
			off := (u/pl.heads)*t*D + (u%pl.heads)*d
			gemmSerial(blas.NoTrans, blas.Trans, t, t, d, q[off:], D, k[off:], D, s, t)
			p := probs[u*pl.pairs : (u+1)*pl.pairs]
			for i := range t {
				row, pr := s[i*t:(i+1)*t], p[i*t:(i+1)*t]
				m := math.Inf(-1)
				for j, x := range row {
					sc := float64(x) * scale
					pr[j] = sc
					m = max(m, sc)
				}
				softmaxRow(pr, m)
				for j, x := range pr {
					row[j] = T(x)
				}
			}
			if out != nil {
				gemmSerial(blas.NoTrans, blas.NoTrans, t, d, t, s, t, v[off:], D, out[off:], D)
			}
		}
	})
}

// attentionBackwardFull is attentionBackward for a plan without key lists.
func attentionBackwardFull[T engine.Float](pl attnPlan, q, k, v, g []T, probs []float64, dq, dk, dv []T) {
	t := pl.tokens
	D := len(q) / (pl.seqs * t)
	d := D / pl.heads
	scale := 1 / math.Sqrt(float64(d))
	parallel.For(pl.seqs*pl.heads, 6*pl.pairs*d, func(lo, hi int) {
		pt, ds := make([]T, t*t), make([]T, t*t)
		for u := lo; u < hi; u++ {
			off := (u/pl.heads)*t*D + (u%pl.heads)*d
			p := probs[u*pl.pairs : (u+1)*pl.pairs]
			gemmSerial(blas.NoTrans, blas.Trans, t, t, d, g[off:], D, v[off:], D, ds, t) // dP
			for i := range t {
				pr, dr, tr := p[i*t:(i+1)*t], ds[i*t:(i+1)*t], pt[i*t:(i+1)*t]
				var sum float64
				for j, x := range pr {
					sum += x * float64(dr[j])
				}
				for j, x := range pr {
					tr[j] = T(x)
					dr[j] = T(x * (float64(dr[j]) - sum) * scale)
				}
			}
			gemmSerial(blas.NoTrans, blas.NoTrans, t, d, t, ds, t, k[off:], D, dq[off:], D)
			gemmSerial(blas.Trans, blas.NoTrans, t, d, t, ds, t, q[off:], D, dk[off:], D)
			gemmSerial(blas.Trans, blas.NoTrans, t, d, t, pt, t, g[off:], D, dv[off:], D)
		}
	})
}

// gemmSerial computes C = op(A) op(B) on one core (the callers are parallel over heads).
func gemmSerial[T engine.Float](tA, tB blas.Transpose, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	switch a := any(a).(type) {
	case []float32:
		gemm.Serial.Sgemm(tA, tB, m, n, k, 1, a, lda, any(b).([]float32), ldb, 0, any(c).([]float32), ldc)
	case []float64:
		gemm.Serial.Dgemm(tA, tB, m, n, k, 1, a, lda, any(b).([]float64), ldb, 0, any(c).([]float64), ldc)
	}
}
