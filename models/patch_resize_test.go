package models

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// embed returns the patch embedding of one token x ([p²·channels]) with weights w
// ([p²·channels, out]).
func embed(x, w []float64, out int) []float64 {
	y := make([]float64, out)
	for k, v := range x {
		for d := range out {
			y[d] += v * w[k*out+d]
		}
	}
	return y
}

// resizeToken resizes every channel of a from × from token to to × to with BilinearResize.
func resizeToken(t *testing.T, x []float64, from, to, channels int) []float64 {
	b, err := BilinearResize(from, to)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, to*to*channels)
	for ch := range channels {
		for j := range to * to {
			var s float64
			for k := range from * from {
				s += b.At(j, k) * x[k*channels+ch]
			}
			out[j*channels+ch] = s
		}
	}
	return out
}

// TestPIResize_IdentityAndUpsampling: at equal sizes the weights come back unchanged; resized
// up (1 -> 2, 2 -> 4, 2 -> 3), a patch resized the same way embeds exactly as the original
// (FlexiViT's property); every row of the bilinear resize sums to 1.
func TestPIResize_IdentityAndUpsampling(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const channels, out = 2, 3
	for _, c := range []struct{ from, to int }{{2, 2}, {4, 4}, {1, 2}, {2, 4}, {2, 3}} {
		w := make([]float64, c.from*c.from*channels*out)
		for i := range w {
			w[i] = rng.NormFloat64()
		}
		got, err := PIResizePatchEmbedding(w, c.from, c.to, channels, out)
		if err != nil {
			t.Fatal(err)
		}
		if c.from == c.to {
			for i := range w {
				if math.Abs(got[i]-w[i]) > 1e-12 {
					t.Fatalf("%d -> %d: weight %d is %v, want %v", c.from, c.to, i, got[i], w[i])
				}
			}
			continue
		}
		for trial := range 5 {
			x := make([]float64, c.from*c.from*channels)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			want := embed(x, w, out)
			have := embed(resizeToken(t, x, c.from, c.to, channels), got, out)
			for d := range out {
				if math.Abs(have[d]-want[d]) > 1e-9 {
					t.Fatalf("%d -> %d, patch %d, unit %d: resized embedding %v, original %v", c.from, c.to, trial, d, have[d], want[d])
				}
			}
		}
	}
	b, err := BilinearResize(4, 2)
	if err != nil {
		t.Fatal(err)
	}
	r, cols := b.Dims()
	for i := range r {
		var s float64
		for j := range cols {
			s += b.At(i, j)
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("row %d of the 4 -> 2 resize sums to %v", i, s)
		}
	}
	if _, err := PIResizePatchEmbedding(make([]float64, 5), 2, 4, 1, 1); err == nil {
		t.Error("5 weights as [4, 1]: no error")
	}
}

// TestCubicResize_Torch holds CubicResize to PyTorch's F.interpolate(mode="bicubic") with and
// without antialiasing (models/testdata/golden_resize.json, from scripts/golden_resize.py).
func TestCubicResize_Torch(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "golden_resize.json"))
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Cases []struct {
			From, To  int
			Antialias bool
			Matrix    [][]float64
		}
	}
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden.Cases) < 10 {
		t.Fatalf("%d golden cases, want the script's 11", len(golden.Cases))
	}
	for _, c := range golden.Cases {
		got, err := CubicResize(c.From, c.To, c.Antialias)
		if err != nil {
			t.Fatal(err)
		}
		for o := range c.To {
			var sum float64
			for i := range c.From {
				sum += got[o][i]
				if math.Abs(got[o][i]-c.Matrix[o][i]) > 1e-12 {
					t.Fatalf("%d -> %d (antialias %v): weight [%d][%d] = %v, torch %v", c.From, c.To, c.Antialias, o, i, got[o][i], c.Matrix[o][i])
				}
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("%d -> %d (antialias %v): row %d sums to %v", c.From, c.To, c.Antialias, o, sum)
			}
		}
	}
	if _, err := CubicResize(0, 3, true); !errors.Is(err, ErrConfig) {
		t.Errorf("resize from 0: error %v, want ErrConfig", err)
	}
}

// TestChannelResize checks the Kronecker layout against the resize written out channel by
// channel: the weight of (pixel j, channel ch) for output d is Σ_k P[j][k] · w[(k, ch), d].
func TestChannelResize(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const from, to, channels, out = 4, 2, 3, 5
	w := make([]float64, from*from*channels*out)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	b, err := BilinearResize(from, to)
	if err != nil {
		t.Fatal(err)
	}
	pinv, err := PIResizeMatrix(b)
	if err != nil {
		t.Fatal(err)
	}
	r := ChannelResize(pinv, channels)
	n, m := to*to*channels, from*from*channels
	for j := range to * to {
		for ch := range channels {
			for d := range out {
				var want, got float64
				for k := range from * from {
					want += pinv.At(j, k) * w[(k*channels+ch)*out+d]
				}
				for q := range m {
					got += r[(j*channels+ch)*m+q] * w[q*out+d]
				}
				if math.Abs(got-want) > 1e-12 {
					t.Fatalf("pixel %d channel %d unit %d: %v, channel by channel %v", j, ch, d, got, want)
				}
			}
		}
	}
	if len(r) != n*m {
		t.Fatalf("%d values, want %d", len(r), n*m)
	}
}
