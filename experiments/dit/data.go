package dit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"

	"github.com/ncgn/ncgn/datasets/images"
)

// Sources of images (the --source option).
const (
	SourceMNIST   = "mnist"   // MNIST's IDX files: train split to train, test split for the metrics
	SourceFolder  = "folder"  // class sub-folders of PNG/JPEG images
	SourceLatents = "latents" // a .npy array [N, C, S, S], labels from labels.npy beside it
)

// SharedMNIST is the MNIST copy that CI and the project's machines hold beside the checkout.
const SharedMNIST = "../shared/data/mnist"

// ErrNoData reports that the images to train on are not there.
var ErrNoData = errors.New("no image data")

// Data holds the images of a run: Train to train the networks and the classifier, Ref the
// reference set of the metrics, Held more real images scored like generated ones (the
// metrics' floor).
type Data struct {
	Train, Ref, Held *images.Set
	Desc             string
	// Key identifies the images (source, location, sizes and a hash of the values).
	Key string
	// Clip says whether samples are clipped to [−1, 1] (images, not latents).
	Clip bool
}

// loadData reads the images of source from dir ("" looks in ./data/mnist, then SharedMNIST
// for MNIST) and splits them as the preset says.
func loadData(source, dir string, p Preset) (*Data, error) {
	d := &Data{Clip: source != SourceLatents}
	switch source {
	case SourceMNIST:
		if dir == "" {
			for _, c := range []string{filepath.Join("data", "mnist"), SharedMNIST} {
				if _, err := os.Stat(c); err == nil {
					dir = c
					break
				}
			}
			if dir == "" {
				return nil, fmt.Errorf("dit: no MNIST in ./data/mnist or %s: put the four IDX files (train-images-idx3-ubyte.gz, …) in a folder and pass --data DIR: %w", SharedMNIST, ErrNoData)
			}
		}
		train, err := images.ReadMNIST(dir, images.Train)
		if err != nil {
			return nil, fmt.Errorf("dit: --data %s: %w (%w)", dir, err, ErrNoData)
		}
		test, err := images.ReadMNIST(dir, images.Test)
		if err != nil {
			return nil, fmt.Errorf("dit: --data %s: %w (%w)", dir, err, ErrNoData)
		}
		d.Train = train.Subset(p.TrainImages)
		d.Ref = test.Subset(p.RefImages)
		d.Held = slice(test, p.RefImages, p.GenImages)
		d.Desc = fmt.Sprintf("MNIST from %s: %d training images, the first %d test images as the reference set and the next %d as held-out real images; 28 × 28 padded to 32 × 32, scaled to [-1, 1]",
			dir, d.Train.Len(), d.Ref.Len(), d.Held.Len())
	case SourceFolder, SourceLatents:
		if dir == "" {
			return nil, fmt.Errorf("dit: --source %s needs --data (a folder of class sub-folders, or a latents .npy): %w", source, ErrNoData)
		}
		var all *images.Set
		var err error
		if source == SourceFolder {
			all, err = images.ReadFolder(dir, 3)
		} else {
			labels := filepath.Join(filepath.Dir(dir), "labels.npy")
			if _, statErr := os.Stat(labels); statErr != nil {
				labels = ""
			}
			all, err = images.ReadLatents(dir, labels)
		}
		if err != nil {
			return nil, fmt.Errorf("dit: --data %s: %w (%w)", dir, err, ErrNoData)
		}
		if all.Labels == nil {
			all.Labels, all.Classes = make([]int, all.Len()), 1
		}
		d.Train, d.Ref, d.Held = split(all, p)
		d.Desc = fmt.Sprintf("%s: every 10th image held out (%d as the reference set, %d as held-out real images), %d to train on",
			all.Source, d.Ref.Len(), d.Held.Len(), d.Train.Len())
	default:
		return nil, fmt.Errorf("dit: --source %q (want %s, %s or %s): %w", source, SourceMNIST, SourceFolder, SourceLatents, errConfig)
	}
	if d.Ref.Len() < 2 || d.Train.Len() < 1 {
		return nil, fmt.Errorf("dit: %d training and %d reference images: too few: %w", d.Train.Len(), d.Ref.Len(), ErrNoData)
	}
	if d.Train.Size%p.Patch != 0 {
		return nil, fmt.Errorf("dit: images of %d × %d do not split into patches of %d: %w", d.Train.Size, d.Train.Size, p.Patch, errConfig)
	}
	h := fnv.New64a()
	var buf []byte
	for _, s := range []*images.Set{d.Train, d.Ref, d.Held} {
		for i := range s.Len() { // one write per image
			buf = buf[:0]
			for _, v := range s.Image(i) {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			}
			h.Write(buf)
		}
	}
	d.Key = fmt.Sprintf("%s:%d:%d:%d:%dx%dx%d:%x", source, d.Train.Len(), d.Ref.Len(), d.Held.Len(), d.Train.Channels, d.Train.Size, d.Train.Size, h.Sum64())
	return d, nil
}

// slice returns images [from, from+n) of s (fewer when s ends first).
func slice(s *images.Set, from, n int) *images.Set {
	per := s.Channels * s.Size * s.Size
	from = min(from, s.Len())
	to := min(from+n, s.Len())
	out := *s
	out.Data = append([]float64(nil), s.Data[from*per:to*per]...)
	if s.Labels != nil {
		out.Labels = append([]int(nil), s.Labels[from:to]...)
	}
	return &out
}

// split holds out every 10th image: the first RefImages of them as the reference set, the
// next GenImages as held-out real images; the rest (capped at TrainImages) trains.
func split(all *images.Set, p Preset) (train, ref, held *images.Set) {
	per := all.Channels * all.Size * all.Size
	mk := func() *images.Set { s := *all; s.Data, s.Labels = nil, []int{}; return &s }
	train, ref, held = mk(), mk(), mk()
	for i := range all.Len() {
		dst := train
		if i%10 == 9 {
			dst = ref
			if ref.Len() >= p.RefImages {
				dst = held
			}
		}
		if dst == train && p.TrainImages > 0 && train.Len() >= p.TrainImages {
			continue
		}
		if dst == held && held.Len() >= p.GenImages {
			continue
		}
		dst.Data = append(dst.Data, all.Data[i*per:(i+1)*per]...)
		dst.Labels = append(dst.Labels, all.Labels[i])
	}
	return train, ref, held
}
