package geometricshapes

import "errors"

var (
	// ErrConfig reports an invalid Config.
	ErrConfig = errors.New("invalid configuration")
	// ErrChecksum reports an archive whose SHA-256 is not the expected one.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrNotFound reports a missing archive, class or split.
	ErrNotFound = errors.New("not found")
)
