package layers

import "math"

// expFast returns e^x with a relative error below 2e-7 (float32 precision) for x in
// [-87, 88], 0 below and +Inf above: e^x = 2^k · 2^f with k = round(x log2 e) and
// f in [-0.5, 0.5], 2^f by a degree-6 polynomial (Taylor in f ln 2). About five times faster
// than math.Exp; only float32 kernels use it.
func expFast(x float64) float64 {
	if x < -87 {
		return 0
	}
	if x > 88 {
		return math.Inf(1)
	}
	const log2e = 1.4426950408889634
	y := x * log2e
	k := math.Floor(y + 0.5)
	f := (y - k) * math.Ln2 // in [-ln2/2, ln2/2]
	p := 1 + f*(1+f*(1.0/2+f*(1.0/6+f*(1.0/24+f*(1.0/120+f*(1.0/720+f*(1.0/5040)))))))
	return p * math.Float64frombits(uint64(int64(k)+1023)<<52)
}
