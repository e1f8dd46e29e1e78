package images

import (
	"bytes"
	"compress/gzip"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"github.com/ncgn/ncgn/datasets"
)

// sharedMNIST is the shared MNIST folder seen from this package's folder.
const sharedMNIST = "../../../shared/data/mnist"

// TestReadMNIST_Real reads the shared MNIST files (skipped when absent): the split sizes, the
// first labels (5 and 7, as published), the 2-pixel background border and the value range.
func TestReadMNIST_Real(t *testing.T) {
	if _, err := os.Stat(sharedMNIST); err != nil {
		t.Skipf("%s absent (see ../shared/data/README.md): %v", sharedMNIST, err)
	}
	for split, want := range map[string]struct{ n, first int }{Train: {60000, 5}, Test: {10000, 7}} {
		s, err := ReadMNIST(sharedMNIST, split)
		if err != nil {
			t.Fatal(err)
		}
		if s.Len() != want.n || s.Size != 32 || s.Channels != 1 || s.Classes != 10 || s.Labels[0] != want.first {
			t.Fatalf("%s: %d images of %d × %d × %d, %d classes, first label %d; want %d, 32 × 32 × 1, 10, %d",
				split, s.Len(), s.Channels, s.Size, s.Size, s.Classes, s.Labels[0], want.n, want.first)
		}
		img := s.Image(0)
		lo, hi := math.Inf(1), math.Inf(-1)
		for i, v := range img {
			y, x := i/32, i%32
			if (y < 2 || y >= 30 || x < 2 || x >= 30) && v != -1 {
				t.Fatalf("%s: border pixel (%d, %d) = %v, want -1", split, y, x, v)
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if lo != -1 || hi != 1 {
			t.Errorf("%s: first image spans [%v, %v], want [-1, 1]", split, lo, hi)
		}
	}
}

// idx returns an IDX file of unsigned bytes with the given dimensions and values.
func idx(dims []uint32, vals []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		b.Write([]byte{byte(d >> 24), byte(d >> 16), byte(d >> 8), byte(d)})
	}
	b.Write(vals)
	return b.Bytes()
}

// TestReadMNIST_Files writes a tiny MNIST (2 training images of 28 × 28, gzip) and reads it,
// and checks the errors of missing, truncated and hostile files.
func TestReadMNIST_Files(t *testing.T) {
	dir := t.TempDir()
	pix := make([]byte, 2*28*28)
	pix[0], pix[28*28+5] = 255, 51
	write := func(name string, data []byte, zip bool) {
		var b bytes.Buffer
		if zip {
			w := gzip.NewWriter(&b)
			w.Write(data)
			w.Close()
		} else {
			b.Write(data)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("train-images-idx3-ubyte.gz", idx([]uint32{2, 28, 28}, pix), true)
	write("train-labels-idx1-ubyte", idx([]uint32{2}, []byte{3, 9}), false) // not compressed: also read
	s, err := ReadMNIST(dir, Train)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2 || s.Labels[1] != 9 || s.Image(0)[2*32+2] != 1 || math.Abs(s.Image(1)[2*32+7]-(51/127.5-1)) > 1e-15 {
		t.Errorf("tiny MNIST read as %d images, labels %v, pixels %v %v", s.Len(), s.Labels, s.Image(0)[2*32+2], s.Image(1)[2*32+7])
	}
	if _, err := ReadMNIST(dir, Test); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "t10k-images") {
		t.Errorf("missing test split: error %v, want ErrNotFound naming the file", err)
	}
	if _, err := ReadMNIST(dir, "validation"); !errors.Is(err, ErrConfig) {
		t.Errorf("split validation: error %v, want ErrConfig", err)
	}
	for name, data := range map[string][]byte{
		"truncated":     idx([]uint32{2, 28, 28}, pix[:100]),
		"wrong magic":   append([]byte{1, 2, 3, 4}, pix...),
		"huge":          idx([]uint32{1 << 30, 28, 28}, nil),
		"zero":          idx([]uint32{0, 28, 28}, nil),
		"short header":  {0, 0},
		"wrong dims":    idx([]uint32{2, 28}, pix),
		"label of 12":   nil,
		"other size":    idx([]uint32{2, 27, 29}, pix[:2*27*29]),
		"labels differ": nil,
	} {
		t.Run(name, func(t *testing.T) {
			switch name {
			case "label of 12":
				write("train-images-idx3-ubyte.gz", idx([]uint32{2, 28, 28}, pix), true)
				write("train-labels-idx1-ubyte", idx([]uint32{2}, []byte{3, 12}), false)
			case "labels differ":
				write("train-images-idx3-ubyte.gz", idx([]uint32{2, 28, 28}, pix), true)
				write("train-labels-idx1-ubyte", idx([]uint32{3}, []byte{3, 1, 2}), false)
			default:
				write("train-images-idx3-ubyte.gz", data, true)
				write("train-labels-idx1-ubyte", idx([]uint32{2}, []byte{3, 9}), false)
			}
			if _, err := ReadMNIST(dir, Train); !errors.Is(err, ErrFormat) {
				t.Errorf("error %v, want ErrFormat", err)
			}
		})
	}
}

// writePNG writes a size × size PNG whose pixel (0, 0) is c and the rest black.
func writePNG(t *testing.T, path string, size int, c color.Color) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			img.Set(x, y, color.Black)
		}
	}
	img.Set(0, 0, c)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// TestReadFolder checks labels by sorted class folder, the RGB and luminance values, and the
// errors of a mismatched size, an undecodable file and an empty folder.
func TestReadFolder(t *testing.T) {
	root := t.TempDir()
	writePNG(t, filepath.Join(root, "dogs", "a.png"), 4, color.RGBA{R: 255, A: 255})
	writePNG(t, filepath.Join(root, "cats", "b.png"), 4, color.White)
	os.WriteFile(filepath.Join(root, "cats", "notes.txt"), []byte("ignored"), 0o644)
	s, err := ReadFolder(root, 3)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2 || s.Classes != 2 || s.ClassNames[0] != "cats" || s.Labels[0] != 0 || s.Labels[1] != 1 {
		t.Fatalf("read %d images, classes %v, labels %v; want the cat (0) then the dog (1)", s.Len(), s.ClassNames, s.Labels)
	}
	dog := s.Image(1)
	if dog[0] != 1 || dog[16] != -1 || dog[32] != -1 || dog[1] != -1 {
		t.Errorf("red pixel as R, G, B = %v, %v, %v (next %v), want 1, -1, -1 (-1)", dog[0], dog[16], dog[32], dog[1])
	}
	g, err := ReadFolder(root, 1)
	if err != nil {
		t.Fatal(err)
	}
	if g.Image(0)[0] != 1 || g.Image(0)[1] != -1 {
		t.Errorf("white pixel in luminance %v, black %v; want 1, -1", g.Image(0)[0], g.Image(0)[1])
	}
	if _, err := ReadFolder(root, 2); !errors.Is(err, ErrConfig) {
		t.Errorf("2 channels: error %v, want ErrConfig", err)
	}
	writePNG(t, filepath.Join(root, "dogs", "big.png"), 5, color.White)
	if _, err := ReadFolder(root, 1); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "big.png") {
		t.Errorf("a 5 × 5 image among 4 × 4: error %v, want ErrFormat naming big.png", err)
	}
	os.Remove(filepath.Join(root, "dogs", "big.png"))
	os.WriteFile(filepath.Join(root, "dogs", "broken.png"), []byte("not a png"), 0o644)
	if _, err := ReadFolder(root, 1); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "broken.png") {
		t.Errorf("an undecodable file: error %v, want ErrFormat naming it", err)
	}
	if _, err := ReadFolder(t.TempDir(), 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("empty folder: error %v, want ErrNotFound", err)
	}
	if _, err := ReadFolder(filepath.Join(root, "nothing"), 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing folder: error %v, want ErrNotFound", err)
	}
}

// TestReadLatents reads latents [3, 2, 4, 4] with int64 labels and checks the errors of a
// non-square array and of labels that do not match.
func TestReadLatents(t *testing.T) {
	dir := t.TempDir()
	lat := &datasets.Array{Shape: []int{3, 2, 4, 4}, Data: make([]float64, 96)}
	for i := range lat.Data {
		lat.Data[i] = float64(i) / 10
	}
	p := filepath.Join(dir, "latents.npy")
	if err := datasets.WriteNpy(p, lat, "float32"); err != nil {
		t.Fatal(err)
	}
	writeInts := func(name string, v []int64) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := npyio.Write(f, v); err != nil {
			t.Fatal(err)
		}
		return path
	}
	s, err := ReadLatents(p, writeInts("labels.npy", []int64{0, 4, 2}))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 || s.Channels != 2 || s.Size != 4 || s.Classes != 5 || s.Labels[1] != 4 || math.Abs(s.Image(2)[1]-6.5) > 1e-6 {
		t.Errorf("latents read as %d × %d × %d × %d, %d classes, labels %v, value %v", s.Len(), s.Channels, s.Size, s.Size, s.Classes, s.Labels, s.Image(2)[1])
	}
	if _, err := ReadLatents(p, writeInts("short.npy", []int64{0, 1})); !errors.Is(err, ErrFormat) {
		t.Errorf("2 labels for 3 latents: error %v, want ErrFormat", err)
	}
	if _, err := ReadLatents(p, writeInts("neg.npy", []int64{0, -1, 1})); !errors.Is(err, ErrFormat) {
		t.Errorf("a negative label: error %v, want ErrFormat", err)
	}
	flat := filepath.Join(dir, "flat.npy")
	datasets.WriteNpy(flat, &datasets.Array{Shape: []int{3, 2, 4, 5}, Data: make([]float64, 120)}, "float32")
	if _, err := ReadLatents(flat, ""); !errors.Is(err, ErrFormat) {
		t.Errorf("4 × 5 latents: error %v, want ErrFormat", err)
	}
	if _, err := ReadLatents(filepath.Join(dir, "none.npy"), ""); err == nil {
		t.Error("a missing file read without error")
	}
}

// TestSet_PadSubset checks padding and subsets.
func TestSet_PadSubset(t *testing.T) {
	s := &Set{Channels: 2, Size: 2, Data: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, Labels: []int{0, 1}, Classes: 2}
	p := s.Pad(1, -1)
	if p.Size != 4 || p.Len() != 2 || p.Image(1)[16+5] != 13 || p.Image(0)[0] != -1 {
		t.Errorf("padded: size %d, %d images, values %v %v", p.Size, p.Len(), p.Image(1)[16+5], p.Image(0)[0])
	}
	sub := s.Subset(1)
	sub.Data[0] = 99
	if sub.Len() != 1 || len(sub.Labels) != 1 || s.Data[0] != 1 {
		t.Errorf("subset: %d images, labels %v; original changed to %v", sub.Len(), sub.Labels, s.Data[0])
	}
	s.Data[3] = math.NaN()
	if err := s.Validate(); !errors.Is(err, ErrFormat) {
		t.Errorf("NaN: error %v, want ErrFormat", err)
	}
}
