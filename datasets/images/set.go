package images

import (
	"errors"
	"fmt"
	"math"
)

// ErrFormat reports a file whose content is not what the loader expects; ErrNotFound a
// missing file or folder; ErrConfig an invalid argument.
var (
	ErrFormat   = errors.New("bad image data")
	ErrNotFound = errors.New("image data not found")
	ErrConfig   = errors.New("invalid configuration")
)

// Set is a labelled image set: N images of Channels × Size × Size values, each image
// channel-major ([C][H][W], row-major within a channel), concatenated in Data.
type Set struct {
	Channels, Size int
	Data           []float64
	// Labels holds one class in [0, Classes) per image; nil for an unlabelled set.
	Labels  []int
	Classes int
	// ClassNames names the classes (folder names, digits), when known.
	ClassNames []string
	// Source says where the images came from and how they were scaled.
	Source string
}

// Len returns the number of images.
func (s *Set) Len() int {
	if n := s.Channels * s.Size * s.Size; n > 0 {
		return len(s.Data) / n
	}
	return 0
}

// Image returns image i (a view into Data).
func (s *Set) Image(i int) []float64 {
	n := s.Channels * s.Size * s.Size
	return s.Data[i*n : (i+1)*n]
}

// Validate checks the sizes, the labels and that every value is finite.
func (s *Set) Validate() error {
	n := s.Channels * s.Size * s.Size
	switch {
	case s.Channels < 1 || s.Size < 1:
		return fmt.Errorf("images: %s: %d channels of %d × %d: %w", s.Source, s.Channels, s.Size, s.Size, ErrFormat)
	case len(s.Data)%n != 0:
		return fmt.Errorf("images: %s: %d values are not whole images of %d: %w", s.Source, len(s.Data), n, ErrFormat)
	case s.Labels != nil && len(s.Labels) != len(s.Data)/n:
		return fmt.Errorf("images: %s: %d labels for %d images: %w", s.Source, len(s.Labels), len(s.Data)/n, ErrFormat)
	}
	for i, l := range s.Labels {
		if l < 0 || l >= s.Classes {
			return fmt.Errorf("images: %s: image %d has label %d outside [0, %d): %w", s.Source, i, l, s.Classes, ErrFormat)
		}
	}
	for i, v := range s.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("images: %s: image %d holds %v: %w", s.Source, i/n, v, ErrFormat)
		}
	}
	return nil
}

// Subset returns the first n images (all when n ≤ 0 or n ≥ Len), sharing no memory with s.
func (s *Set) Subset(n int) *Set {
	if n <= 0 || n > s.Len() {
		n = s.Len()
	}
	per := s.Channels * s.Size * s.Size
	out := *s
	out.Data = append([]float64(nil), s.Data[:n*per]...)
	if s.Labels != nil {
		out.Labels = append([]int(nil), s.Labels[:n]...)
	}
	return &out
}

// Pad returns the set with every image padded by pad pixels of value v on each side.
func (s *Set) Pad(pad int, v float64) *Set {
	if pad <= 0 {
		return s
	}
	size := s.Size + 2*pad
	out := *s
	out.Size = size
	out.Data = make([]float64, 0, s.Len()*s.Channels*size*size)
	for i := range s.Len() {
		img := s.Image(i)
		for ch := range s.Channels {
			for y := range size {
				for x := range size {
					sy, sx := y-pad, x-pad
					if sy < 0 || sx < 0 || sy >= s.Size || sx >= s.Size {
						out.Data = append(out.Data, v)
					} else {
						out.Data = append(out.Data, img[(ch*s.Size+sy)*s.Size+sx])
					}
				}
			}
		}
	}
	return &out
}
