package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/datasets/geometricshapes"
	"github.com/ncgn/ncgn/datasets/modelnet40"
	"github.com/ncgn/ncgn/internal/progress"
)

// dataPrepareCmd groups the commands that turn a downloaded data set into training arrays; add
// one with registerDataPrepare.
var dataPrepareCmd = &cli.Command{
	Name:   "prepare",
	Usage:  "turn a downloaded data set into point-cloud arrays for train",
	Action: dataParentAction("ncgn data prepare"),
}

// dataFetchCmd groups the download commands; add one with registerDataFetch.
var dataFetchCmd = &cli.Command{
	Name:   "fetch",
	Usage:  "download an official data set (progress, resumable, checksum)",
	Action: dataParentAction("ncgn data fetch"),
}

// registerDataPrepare adds a subcommand to `ncgn data prepare`.
func registerDataPrepare(c *cli.Command) {
	dataPrepareCmd.Subcommands = append(dataPrepareCmd.Subcommands, dataSubcommand(c))
}

// registerDataFetch adds a subcommand to `ncgn data fetch`.
func registerDataFetch(c *cli.Command) {
	dataFetchCmd.Subcommands = append(dataFetchCmd.Subcommands, dataSubcommand(c))
}

func init() {
	registerData(dataPrepareCmd)
	registerData(dataFetchCmd)
	registerDataPrepare(prepareModelNet40Cmd)
	registerDataPrepare(prepareGeometricShapesCmd)
	registerDataFetch(fetchModelNet40Cmd)
}

// dataDirEnv names the environment variable of the default data folder.
const dataDirEnv = "NCGN_DATA"

// progressMinObjects is the smallest load that shows a progress bar.
const progressMinObjects = 100

const (
	prepareModelNet40Name      = "ncgn data prepare modelnet40"
	prepareGeometricShapesName = "ncgn data prepare geometricshapes"
	fetchModelNet40Name        = "ncgn data fetch modelnet40"
)

// cloudFlags are the flags that shape clouds, shared by both prepare commands.
func cloudFlags(defaultSource modelnet40.Source) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "split", Usage: "train or test (required)"},
		&cli.IntFlag{Name: "points", Value: modelnet40.DefaultPoints, Usage: "points per cloud"},
		&cli.StringFlag{Name: "source", Value: string(defaultSource), Usage: "vertices (mesh vertices, the reference) or surface (area-weighted surface samples)"},
		&cli.StringSliceFlag{Name: "classes", Usage: "keep only these classes (`a,b`; default all)"},
		&cli.Float64Flag{Name: "scale", Value: modelnet40.ReferenceScale, Usage: "largest |coordinate| after centring (reference 0.5*0.49999999; the paper's text says 0.5)"},
		&cli.BoolFlag{Name: "raw", Usage: "keep the file's coordinates (no centring or scaling)"},
		&cli.Uint64Flag{Name: "seed", Value: 0, Usage: "seed of every random draw"},
		&cli.StringFlag{Name: "out", Usage: "clouds `FILE.npy` (m, points, 3) float32; FILE.json beside it records labels, files, config and counts (required)"},
		&cli.BoolFlag{Name: "quiet", Usage: "no progress bar"},
	}
}

var prepareModelNet40Cmd = &cli.Command{
	Name:  "modelnet40",
	Usage: "ModelNet40 clouds from the unzipped official archive (OFF) or a point-cloud folder (.npy)",
	Description: "Reads <root>/<class>/<split>/*.off (the Princeton ModelNet40.zip, unzipped, e.g. by `data fetch\n" +
		"modelnet40`) or <root>/<class>/<split>/*.npy (one (k, 3) cloud per object, e.g. ../shared/data/\n" +
		"modelnet40-1024/ModelNet40: already surface samples) and writes --out, shape (m, points, 3) float32,\n" +
		"objects ordered by class then file name, plus --out with .json: labels, files, config and counts.\n" +
		"Each cloud: --points vertices without replacement (--source vertices, the reference) or surface\n" +
		"samples (--source surface), centred and scaled so that max |x| = --scale. Objects with fewer\n" +
		"than --points points to draw from, or fewer than --min-points vertices, are skipped and counted\n" +
		"(the reference keeps small training meshes whole; every cloud here has exactly --points points).\n" +
		"Reference test selection: --split test --limit 2232. See docs/data.md.",
	Flags: append(cloudFlags(modelnet40.Vertices),
		&cli.StringFlag{Name: "root", Value: "data", EnvVars: []string{dataDirEnv}, Usage: "ModelNet40 `DIR` (or the folder holding ModelNet40/)"},
		&cli.IntFlag{Name: "limit", Usage: "keep at most `N` objects in all (0: all)"},
		&cli.IntFlag{Name: "per-class", Usage: "keep at most `N` objects per class (0: all)"},
		&cli.IntFlag{Name: "min-points", Usage: "skip objects with fewer than `N` vertices (stored points for .npy)"},
		&cli.IntFlag{Name: "workers", Usage: "goroutines reading objects (0: all cores; results do not depend on it)"},
		&cli.BoolFlag{Name: "skip-bad", Usage: "skip malformed files, listing them, instead of stopping at the first (default: strict)"},
	),
	Action: prepareModelNet40,
}

var prepareGeometricShapesCmd = &cli.Command{
	Name:  "geometricshapes",
	Usage: "GeometricShapes clouds (PyG's raw.zip, 40 shapes) for the analysis of Section 3.2",
	Description: "Reads the meshes raw/<class>/<split>/<class>.off straight from PyG's raw.zip (its SHA-256 is\n" +
		"checked unless --skip-checksum) and writes --per-class clouds per shape to --out, shape\n" +
		"(m, points, 3) float32, plus --out with .json (labels, archive entries, config, counts).\n" +
		"--source surface (default) samples the surface; vertices draws mesh vertices and skips shapes with\n" +
		"fewer than --points vertices. Normalised as ModelNet40 (max |x| = --scale). See docs/data.md.",
	Flags: append(cloudFlags(modelnet40.Surface),
		&cli.StringFlag{Name: "zip", Usage: "GeometricShapes `raw.zip` (required)"},
		&cli.IntFlag{Name: "per-class", Value: 1, Usage: "clouds drawn from each shape"},
		&cli.BoolFlag{Name: "skip-checksum", Usage: "accept an archive whose SHA-256 differs from PyG's"},
	),
	Action: prepareGeometricShapes,
}

var fetchModelNet40Cmd = &cli.Command{
	Name:  "modelnet40",
	Usage: "download and unzip the official ModelNet40 archive (about 435 MB)",
	Description: "Downloads " + modelnet40.URL + " into --out (resumable: an interrupted\n" +
		"download continues from ModelNet40.zip.part with an HTTP Range request), records its SHA-256 in\n" +
		"ModelNet40.zip.sha256 (checked against --sha256 when given) and unzips it to --out/ModelNet40.\n" +
		"Then: ncgn data prepare modelnet40 --root <out> ...",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "out", Value: "data", EnvVars: []string{dataDirEnv}, Usage: "data `DIR`"},
		&cli.StringFlag{Name: "url", Value: modelnet40.URL, Usage: "archive address (a mirror)"},
		&cli.StringFlag{Name: "sha256", Usage: "expected SHA-256 of the archive (hex)"},
		&cli.BoolFlag{Name: "no-extract", Usage: "download only"},
		&cli.BoolFlag{Name: "quiet", Usage: "no progress bar"},
	},
	Action: fetchModelNet40,
}

// cloudArgs are the flags common to both prepare commands, checked.
type cloudArgs struct {
	split, out, meta string
	points           int
	source           modelnet40.Source
	classes          []string
	scale            float64
	raw              bool
	seed             uint64
}

// readCloudArgs checks the shared flags; a bad value is a usage error (exit code 2).
func readCloudArgs(c *cli.Context, name string) (*cloudArgs, error) {
	usage := func(format string, a ...any) error {
		return cli.Exit(fmt.Sprintf(name+": "+format, a...), 2)
	}
	if c.Args().Present() {
		return nil, usage("unexpected arguments %q (all settings are flags)", c.Args().Slice())
	}
	a := &cloudArgs{
		split: c.String("split"), out: c.String("out"), points: c.Int("points"),
		source: modelnet40.Source(c.String("source")), scale: c.Float64("scale"), raw: c.Bool("raw"), seed: c.Uint64("seed"),
	}
	if a.split == "" {
		return nil, usage("--split: train or test is required")
	}
	if a.out == "" {
		return nil, usage("--out: an output FILE.npy is required")
	}
	if a.split != modelnet40.Train && a.split != modelnet40.Test {
		return nil, usage("--split %q: want train or test", a.split)
	}
	if a.points < 1 {
		return nil, usage("--points %d: want at least 1", a.points)
	}
	if a.source != modelnet40.Vertices && a.source != modelnet40.Surface {
		return nil, usage("--source %q: want vertices or surface", a.source)
	}
	if !(a.scale > 0) || math.IsInf(a.scale, 0) {
		return nil, usage("--scale %v: want a finite number > 0", a.scale)
	}
	for _, s := range c.StringSlice("classes") {
		for _, k := range strings.Split(s, ",") {
			if k = strings.TrimSpace(k); k != "" {
				a.classes = append(a.classes, k)
			}
		}
	}
	if c.IsSet("classes") && len(a.classes) == 0 {
		return nil, usage("--classes: no class names given")
	}
	if !strings.HasSuffix(a.out, ".npy") {
		return nil, usage("--out %q: want a FILE.npy (the record goes to FILE.json)", a.out)
	}
	a.meta = strings.TrimSuffix(a.out, ".npy") + ".json"
	return a, nil
}

// checkOut checks, before a long load, that the output folder can be written.
func (a *cloudArgs) checkOut(name string) error {
	if err := datasets.CheckWritable(filepath.Dir(a.out)); err != nil {
		return cli.Exit(fmt.Sprintf("%s: --out %s: cannot write there: %v", name, a.out, err), 1)
	}
	return nil
}

// writeClouds writes the clouds and their record (datasets.WriteClouds), stamped with this
// program's version and commit.
func writeClouds(a *cloudArgs, arr *datasets.Array, meta *datasets.CloudsMeta, wall float64) error {
	meta.WallSeconds, meta.Version, meta.Commit = wall, Version, commit()
	return datasets.WriteClouds(a.out, a.meta, arr, meta)
}

func prepareModelNet40(c *cli.Context) error {
	name := prepareModelNet40Name
	a, err := readCloudArgs(c, name)
	if err != nil {
		return err
	}
	cfg := modelnet40.Config{
		Split: a.split, Points: a.points, Source: a.source, Classes: a.classes,
		Limit: c.Int("limit"), PerClass: c.Int("per-class"), MinPoints: c.Int("min-points"),
		Scale: a.scale, Raw: a.raw, Seed: a.seed, Workers: c.Int("workers"), SkipBad: c.Bool("skip-bad"),
	}
	for _, f := range []string{"limit", "per-class", "min-points", "workers"} {
		if c.Int(f) < 0 {
			return cli.Exit(fmt.Sprintf("%s: --%s %d: want >= 0", name, f, c.Int(f)), 2)
		}
	}
	root := c.String("root")
	if err := a.checkOut(name); err != nil {
		return err
	}

	var bar *progress.Bar
	onRead := func(read, expected int) {
		if c.Bool("quiet") || expected < progressMinObjects {
			return
		}
		if bar == nil {
			bar = progress.New(c.App.ErrWriter, expected, 0, "loading "+a.split)
		}
		bar.SetTotal(expected)
		bar.Set(read, "loading "+a.split)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt)
	defer stop()
	start := time.Now()
	set, err := modelnet40.Load(ctx, root, cfg, onRead)
	wall := time.Since(start).Seconds()
	bar.Finish()
	if err != nil {
		code := 1
		if errors.Is(err, modelnet40.ErrConfig) {
			code = 2
		}
		hint := ""
		if errors.Is(err, datasets.ErrFormat) && !cfg.SkipBad {
			hint = " (--skip-bad skips malformed files and lists them)"
		}
		return cli.Exit(fmt.Sprintf("%s: --root %s: %v%s", name, root, err, hint), code)
	}
	for _, s := range set.Skipped {
		fmt.Fprintf(c.App.ErrWriter, "%s: skipped a malformed file: %s\n", name, s)
	}
	files := make([]string, len(set.Files))
	for i, f := range set.Files {
		if rel, err := filepath.Rel(set.Root, f); err == nil {
			f = filepath.ToSlash(rel)
		}
		files[i] = f
	}
	meta := &datasets.CloudsMeta{
		Dataset: "modelnet40", From: set.Root, Layout: string(set.Layout), PointSource: string(set.Source),
		Normalisation: datasets.NormalisationNote(cfg.Raw, set.Config.Scale), Config: set.Config, Counts: set.Counts,
		Classes: set.Classes, Labels: set.Labels, Files: files,
	}
	if err := writeClouds(a, set.Array(), meta, wall); err != nil {
		return cli.Exit(fmt.Sprintf("%s: %v", name, err), 1)
	}
	cn := set.Counts
	fmt.Fprintf(c.App.Writer, "wrote %d %s clouds of %d points (%d classes, %s points) from %s to %s in %.2f s; skipped %d with fewer than %d points, %d below --min-points, %d degenerate, %d malformed\n",
		cn.Kept, a.split, set.Config.Points, len(set.Classes), set.Source, set.Root, a.out, wall,
		cn.TooFewPoints, set.Config.Points, cn.BelowMinPoints, cn.Degenerate, cn.Unreadable)
	return nil
}

func prepareGeometricShapes(c *cli.Context) error {
	name := prepareGeometricShapesName
	a, err := readCloudArgs(c, name)
	if err != nil {
		return err
	}
	if n := c.Int("per-class"); n < 1 {
		return cli.Exit(fmt.Sprintf("%s: --per-class %d: want at least 1", name, n), 2)
	}
	cfg := geometricshapes.Config{
		Split: a.split, Points: a.points, Source: a.source, PerClass: c.Int("per-class"),
		Classes: a.classes, Scale: a.scale, Raw: a.raw, Seed: a.seed,
	}
	zipPath := c.String("zip")
	if zipPath == "" {
		return cli.Exit(name+": --zip: the GeometricShapes raw.zip is required (e.g. ../shared/data/geometric-shapes/raw.zip)", 2)
	}
	if err := a.checkOut(name); err != nil {
		return err
	}
	start := time.Now()
	set, err := geometricshapes.Load(zipPath, cfg, c.Bool("skip-checksum"))
	wall := time.Since(start).Seconds()
	if err != nil {
		code := 1
		if errors.Is(err, geometricshapes.ErrConfig) {
			code = 2
		}
		return cli.Exit(fmt.Sprintf("%s: --zip %s: %v", name, zipPath, err), code)
	}
	meta := &datasets.CloudsMeta{
		Dataset: "geometricshapes", From: zipPath, PointSource: string(set.Config.Source),
		Normalisation: datasets.NormalisationNote(cfg.Raw, set.Config.Scale), Config: set.Config, Counts: set.Counts,
		Classes: set.Classes, Labels: set.Labels, Files: set.Entries,
	}
	if !c.Bool("skip-checksum") {
		meta.SHA256 = geometricshapes.SHA256
	}
	if err := writeClouds(a, set.Array(), meta, wall); err != nil {
		return cli.Exit(fmt.Sprintf("%s: %v", name, err), 1)
	}
	skipped := ""
	if len(set.Counts.Skipped) > 0 {
		skipped = fmt.Sprintf("; skipped %d shapes (%d with fewer than %d vertices, %d degenerate)",
			len(set.Counts.Skipped), set.Counts.TooFewPoints, set.Config.Points, set.Counts.Degenerate)
	}
	fmt.Fprintf(c.App.Writer, "wrote %d %s clouds of %d points (%d shapes, %s points, %d per shape) to %s%s\n",
		set.Counts.Kept, a.split, set.Config.Points, set.Counts.Shapes-len(set.Counts.Skipped), set.Config.Source,
		set.Config.PerClass, a.out, skipped)
	return nil
}

func fetchModelNet40(c *cli.Context) error {
	name := fetchModelNet40Name
	if c.Args().Present() {
		return cli.Exit(fmt.Sprintf("%s: unexpected arguments %q (all settings are flags)", name, c.Args().Slice()), 2)
	}
	bars := map[string]*progress.Bar{}
	desc := map[string]string{"download": "downloading ModelNet40.zip"}
	onProgress := func(stage string, done, total int64) {
		if c.Bool("quiet") {
			return
		}
		b := bars[stage]
		if b == nil {
			if stage == "download" {
				b = progress.NewBytes(c.App.ErrWriter, total, desc[stage])
			} else {
				desc[stage] = "extracting"
				b = progress.New(c.App.ErrWriter, int(total), 0, desc[stage])
			}
			bars[stage] = b
		}
		b.Set(int(done), desc[stage])
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt)
	defer stop()
	res, err := modelnet40.Fetch(ctx, modelnet40.FetchOptions{
		Dir: c.String("out"), URL: c.String("url"), SHA256: c.String("sha256"), NoExtract: c.Bool("no-extract"), Progress: onProgress,
	})
	for _, b := range bars {
		b.Finish()
	}
	if err != nil {
		code := 1
		if errors.Is(err, modelnet40.ErrConfig) {
			code = 2
		}
		return cli.Exit(fmt.Sprintf("%s: %v", name, err), code)
	}
	how := "already there"
	if res.Downloaded {
		how = "downloaded"
		if res.Resumed > 0 {
			how = fmt.Sprintf("downloaded (resumed after %d bytes)", res.Resumed)
		}
	}
	fmt.Fprintf(c.App.Writer, "%s: %s, %d bytes, sha256 %s\n", res.Archive, how, res.Bytes, res.SHA256)
	if res.Root != "" {
		fmt.Fprintf(c.App.Writer, "extracted %d files to %s; next: ncgn data prepare modelnet40 --root %s --split train --out train.npy\n",
			res.Files, res.Root, res.Root)
	}
	return nil
}
