package images

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/datasets"
)

// ReadLatents reads precomputed latents from a .npy array [N, C, S, S] (float32 or float64,
// e.g. VAE latents of ImageNet already multiplied by the VAE's scale factor 0.18215) and,
// when labels is not empty, their classes from a .npy array [N] of integers (int64, int32,
// uint8 or integral floats); Classes is the largest label plus one. Values are used as they
// are.
func ReadLatents(path, labels string) (*Set, error) {
	a, err := datasets.ReadNpy(path)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	if len(a.Shape) != 4 || a.Shape[2] != a.Shape[3] || a.Shape[0] < 1 || a.Shape[1] < 1 || a.Shape[2] < 1 {
		return nil, fmt.Errorf("images: latents %s have shape %v; want [N, C, S, S] with square S × S: %w", path, a.Shape, ErrFormat)
	}
	s := &Set{Channels: a.Shape[1], Size: a.Shape[2], Data: a.Data,
		Source: fmt.Sprintf("latents %s (%d of %d × %d × %d, values as stored)", path, a.Shape[0], a.Shape[1], a.Shape[2], a.Shape[3])}
	if labels != "" {
		l, err := datasets.ReadNpy(labels)
		if err != nil {
			return nil, fmt.Errorf("images: %w", err)
		}
		if len(l.Shape) != 1 || l.Shape[0] != a.Shape[0] {
			return nil, fmt.Errorf("images: labels %s have shape %v; want [%d], one per latent: %w", labels, l.Shape, a.Shape[0], ErrFormat)
		}
		s.Labels = make([]int, len(l.Data))
		for i, v := range l.Data {
			if v != math.Trunc(v) || v < 0 || v > 1<<20 {
				return nil, fmt.Errorf("images: labels %s: entry %d is %v; want a class index ≥ 0: %w", labels, i, v, ErrFormat)
			}
			s.Labels[i] = int(v)
			s.Classes = max(s.Classes, int(v)+1)
		}
		s.Source += fmt.Sprintf(", labels %s (%d classes)", labels, s.Classes)
	}
	return s, s.Validate()
}
