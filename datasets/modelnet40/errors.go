package modelnet40

import "errors"

var (
	// ErrConfig reports an invalid Config or fetch option.
	ErrConfig = errors.New("invalid configuration")
	// ErrNotFound reports a missing root, split or class, or a split without objects.
	ErrNotFound = errors.New("data not found")
	// ErrLayout reports a folder that is neither layout (for example .npy and .off files mixed
	// in one split).
	ErrLayout = errors.New("unrecognised layout")
	// ErrNetwork reports a download that could not reach its server.
	ErrNetwork = errors.New("network unreachable")
	// ErrDownload reports a download the server refused or cut short.
	ErrDownload = errors.New("download failed")
	// ErrChecksum reports a file whose SHA-256 differs from the expected one.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrArchive reports a zip archive that cannot be extracted safely.
	ErrArchive = errors.New("bad archive")
)
