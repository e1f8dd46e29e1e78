package modelnet40

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Layout is the on-disk layout of a split.
type Layout string

const (
	// LayoutOFF is the official archive: one OFF mesh per object.
	LayoutOFF Layout = "off"
	// LayoutNpy is a point-cloud folder: one float32 (k, 3) .npy per object.
	LayoutNpy Layout = "npy"
)

// Object is one file of a split.
type Object struct {
	// Index is the object's position in the split's full listing (all classes, sorted); it
	// selects the object's random generator (ObjectRand).
	Index int
	Class string
	// Path is the file, root joined with <class>/<split>/<name>.
	Path string
}

// Listing is every object of one split under a root, in order: by class, then file name.
type Listing struct {
	// Root is the folder that holds the class folders (the given root, or its ModelNet40/).
	Root    string
	Split   string
	Layout  Layout
	Classes []string // every class with a folder for the split, sorted
	Objects []Object
}

// List lists a split ("train" or "test") of a ModelNet40 folder in either layout. Hidden files and
// folders (".*", "__MACOSX") and files of other types are ignored. Errors wrap ErrNotFound (no
// root, no class with this split, no objects), ErrLayout (.npy and .off files mixed) or ErrConfig
// (another split name).
func List(root, split string) (*Listing, error) {
	if split != Train && split != Test {
		return nil, fmt.Errorf("modelnet40: split %q: want %q or %q: %w", split, Train, Test, ErrConfig)
	}
	st, err := os.Stat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("modelnet40: root %s does not exist: %w", root, ErrNotFound)
		}
		return nil, fmt.Errorf("modelnet40: root %s: %w", root, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("modelnet40: root %s is not a folder: %w", root, ErrNotFound)
	}
	classes, err := splitClasses(root, split)
	if err != nil {
		return nil, err
	}
	if len(classes) == 0 { // the folder Fetch extracts into, or a parent of the unzipped archive
		inner := filepath.Join(root, "ModelNet40")
		if st, err := os.Stat(inner); err == nil && st.IsDir() {
			if classes, err = splitClasses(inner, split); err != nil {
				return nil, err
			}
			if len(classes) > 0 {
				root = inner
			}
		}
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("modelnet40: root %s has no <class>/%s/ folders (want the unzipped ModelNet40 or a point-cloud folder): %w", root, split, ErrNotFound)
	}
	l := &Listing{Root: root, Split: split, Classes: classes}
	counts := map[Layout]int{}
	for _, class := range classes {
		dir := filepath.Join(root, class, split)
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("modelnet40: listing %s: %w", dir, err)
		}
		for _, e := range entries { // ReadDir sorts by file name
			name := e.Name()
			if e.IsDir() || hidden(name) {
				continue
			}
			var lay Layout
			switch strings.ToLower(filepath.Ext(name)) {
			case ".off":
				lay = LayoutOFF
			case ".npy":
				lay = LayoutNpy
			default:
				continue
			}
			counts[lay]++
			l.Objects = append(l.Objects, Object{Index: len(l.Objects), Class: class, Path: filepath.Join(dir, name)})
		}
	}
	switch {
	case counts[LayoutOFF] > 0 && counts[LayoutNpy] > 0:
		return nil, fmt.Errorf("modelnet40: split %s under %s mixes %d .off and %d .npy files; keep one layout per root: %w",
			split, root, counts[LayoutOFF], counts[LayoutNpy], ErrLayout)
	case counts[LayoutOFF] > 0:
		l.Layout = LayoutOFF
	case counts[LayoutNpy] > 0:
		l.Layout = LayoutNpy
	default:
		return nil, fmt.Errorf("modelnet40: split %s under %s is empty: no .off or .npy files in %d class folders: %w", split, root, len(classes), ErrNotFound)
	}
	return l, nil
}

// splitClasses returns the sorted names of root's sub-folders that hold a split folder.
func splitClasses(root, split string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("modelnet40: listing root %s: %w", root, err)
	}
	var classes []string
	for _, e := range entries {
		if hidden(e.Name()) {
			continue
		}
		// Follow symbolic links: a class folder may link elsewhere.
		if st, err := os.Stat(filepath.Join(root, e.Name(), split)); err == nil && st.IsDir() {
			classes = append(classes, e.Name())
		}
	}
	sort.Strings(classes)
	return classes, nil
}

// hidden reports whether a file or folder name is one to ignore (dot files, macOS archive debris).
func hidden(name string) bool {
	return strings.HasPrefix(name, ".") || name == "__MACOSX"
}
