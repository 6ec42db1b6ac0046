package web

import (
	"fmt"
	"io"
	"strings"
)

// Stored files sent to the browser: as a download, or, of a checked type,
// shown in a sandbox.

// FileDownload is a stored file to save (never shown in the browser).
func FileDownload(name string, data []byte) Download {
	return Download{Name: name, ContentType: "application/octet-stream", Write: func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}}
}

// FileShown is a stored file of a checked type (its first bytes are those
// of its type) shown in the browser when it can be, in a sandbox (no
// script of it runs, it reaches nothing of the site), and else (Word,
// Excel, OFD) saved.
func FileShown(name, contentType string, data []byte) Download {
	d := FileDownload(name, data)
	if shownTypes[contentType] {
		d.ContentType, d.Inline = contentType, true
	}
	return d
}

// shownTypes are the kinds of stored file a browser shows itself: a phone
// opens a PDF or a photo rather than saving it.
var shownTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// rfc5987 percent-encodes a name as an ext-value of RFC 5987: every byte
// but its attr-chars.
func rfc5987(name string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
