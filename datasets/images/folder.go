package images

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // decoders for image.Decode
	_ "image/png"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ReadFolder reads a folder of labelled images: one sub-folder per class (sorted by name, the
// class index its rank), each holding .png, .jpg or .jpeg files of one common square size.
// channels is 1 (luminance, as image/color's Gray model) or 3 (RGB); values are scaled to
// [−1, 1]. A file that does not decode or has another size is an error naming it.
func ReadFolder(root string, channels int) (*Set, error) {
	if channels != 1 && channels != 3 {
		return nil, fmt.Errorf("images: %d channels (want 1 or 3): %w", channels, ErrConfig)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("images: image folder %s does not exist: %w", root, ErrNotFound)
		}
		return nil, fmt.Errorf("images: %w", err)
	}
	s := &Set{Channels: channels}
	for _, e := range entries {
		if e.IsDir() {
			s.ClassNames = append(s.ClassNames, e.Name())
		}
	}
	slices.Sort(s.ClassNames)
	s.Classes = len(s.ClassNames)
	for class, name := range s.ClassNames {
		files, err := os.ReadDir(filepath.Join(root, name))
		if err != nil {
			return nil, fmt.Errorf("images: %w", err)
		}
		for _, f := range files {
			ext := strings.ToLower(filepath.Ext(f.Name()))
			if f.IsDir() || (ext != ".png" && ext != ".jpg" && ext != ".jpeg") {
				continue
			}
			path := filepath.Join(root, name, f.Name())
			img, err := decodeFile(path)
			if err != nil {
				return nil, err
			}
			b := img.Bounds()
			if b.Dx() != b.Dy() || (s.Size != 0 && b.Dx() != s.Size) {
				return nil, fmt.Errorf("images: %s is %d × %d; want square images of one size (%d from the first): %w", path, b.Dx(), b.Dy(), s.Size, ErrFormat)
			}
			s.Size = b.Dx()
			s.Data = append(s.Data, pixels(img, channels)...)
			s.Labels = append(s.Labels, class)
		}
	}
	if len(s.Labels) == 0 {
		return nil, fmt.Errorf("images: no .png or .jpg images in class sub-folders of %s: %w", root, ErrNotFound)
	}
	s.Source = fmt.Sprintf("image folder %s (%d images of %d classes, %d × %d, %d channel(s), scaled to [-1, 1])", root, len(s.Labels), s.Classes, s.Size, s.Size, channels)
	return s, s.Validate()
}

func decodeFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("images: %s: %v: %w", path, err, ErrFormat)
	}
	return img, nil
}

// pixels returns img channel-major in [−1, 1]: luminance or R, G, B.
func pixels(img image.Image, channels int) []float64 {
	b := img.Bounds()
	n := b.Dx() * b.Dy()
	out := make([]float64, channels*n)
	k := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			if channels == 1 {
				g := color.GrayModel.Convert(c).(color.Gray)
				out[k] = float64(g.Y)/127.5 - 1
			} else {
				r, g, bl, _ := c.RGBA()
				out[k], out[n+k], out[2*n+k] = float64(r)/32767.5-1, float64(g)/32767.5-1, float64(bl)/32767.5-1
			}
			k++
		}
	}
	return out
}
