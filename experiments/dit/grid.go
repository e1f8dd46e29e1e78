package dit

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"

	"github.com/ncgn/ncgn/internal/atomicfile"
)

// writeGrid writes imgs (each channels × size × size, channel-major) as a PNG of rows × cols
// tiles with a one-pixel gap, row-major: one channel as grey, three or more as the first three
// as RGB; values in [−1, 1] map to 0 … 255 (clip is false for latents: each image is then
// stretched over its own range).
func writeGrid(path string, imgs [][]float64, channels, size, rows, cols int, clip bool) error {
	if len(imgs) < rows*cols {
		return fmt.Errorf("dit: a %d × %d grid of %d images: %w", rows, cols, len(imgs), errConfig)
	}
	w, h := cols*(size+1)+1, rows*(size+1)+1
	canvas := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range canvas.Pix {
		canvas.Pix[i] = 255
	}
	for t := range rows * cols {
		img := imgs[t]
		lo, hi := -1.0, 1.0
		if !clip {
			lo, hi = math.Inf(1), math.Inf(-1)
			for _, v := range img {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			if hi <= lo {
				hi = lo + 1
			}
		}
		px := func(ch, y, x int) uint8 {
			v := (img[(ch*size+y)*size+x] - lo) / (hi - lo)
			return uint8(math.Round(255 * math.Min(1, math.Max(0, v))))
		}
		x0, y0 := (t%cols)*(size+1)+1, (t/cols)*(size+1)+1
		for y := range size {
			for x := range size {
				c := color.RGBA{A: 255}
				if channels >= 3 {
					c.R, c.G, c.B = px(0, y, x), px(1, y, x), px(2, y, x)
				} else {
					g := px(0, y, x)
					c.R, c.G, c.B = g, g, g
				}
				canvas.SetRGBA(x0+x, y0+y, c)
			}
		}
	}
	if err := atomicfile.Write(path, func(w io.Writer) error { return png.Encode(w, canvas) }); err != nil {
		return fmt.Errorf("dit: writing %s: %w", path, err)
	}
	return nil
}
