package export

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/kith-health/kith/ent/exportrecord"
	"github.com/kith-health/kith/viewer"
)

// PageSize is how many rows an export reads per statement before it writes
// them out.
const PageSize = 500

// formulaStart are the characters a spreadsheet reads as the start of a
// formula (or, for tab and carriage return, that hide one).
const formulaStart = "=+-@\t\r"

// Defuse guards a cell against spreadsheet formula injection: a cell that
// starts with = + - @, a tab or a carriage return gets a leading apostrophe,
// which spreadsheets show as text and do not evaluate. A phone number in
// E.164 (+1416…) is written '+1416… for that reason.
func Defuse(cell string) string {
	if cell != "" && strings.ContainsRune(formulaStart, rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// sheet writes an RFC 4180 CSV (UTF-8, CRLF line ends, quoted where
// needed) to an HTTP answer, a page at a time.
type sheet struct {
	w     *csv.Writer
	flush func()
	// extend moves the connection's write deadline (the server's
	// WriteTimeout counts from the request) a page further on.
	extend func()
	rows   int
}

// pageTime is how long one page of rows may take to reach the client: the
// write deadline is moved this far on before each page, so an export of any
// length runs as long as its pages keep flowing.
const pageTime = time.Minute

func newSheet(w io.Writer) *sheet {
	c := csv.NewWriter(w)
	c.UseCRLF = true
	s := &sheet{w: c, flush: func() {}, extend: func() {}}
	if f, ok := w.(http.Flusher); ok {
		s.flush = f.Flush
	}
	if rw, ok := w.(http.ResponseWriter); ok {
		rc := http.NewResponseController(rw)
		// Not every writer supports deadlines (a test recorder): then the
		// server's own timeout is all there is.
		s.extend = func() { _ = rc.SetWriteDeadline(time.Now().Add(pageTime)) }
		s.extend()
	}
	return s
}

// header writes the column names (not counted as a row).
func (s *sheet) header(cols ...string) error { return s.w.Write(cols) }

// row writes one data row, each cell defused.
func (s *sheet) row(cells ...string) error {
	for i, c := range cells {
		cells[i] = Defuse(c)
	}
	s.rows++
	return s.w.Write(cells)
}

// page sends what was written so far to the client.
func (s *sheet) page() error {
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return err
	}
	s.flush()
	s.extend()
	return nil
}

// csvExport is a CSV export under way: its audit record and the sheet its
// rows go to.
type csvExport struct {
	rec *audit
	out *sheet
}

// beginCSV starts an export of kind by s: it is recorded (with params),
// the answer becomes the attachment file, and the header row cols is
// written. Any failure after this is errStartedBy.
func (h *Handler) beginCSV(ctx context.Context, w http.ResponseWriter, s viewer.Staff, kind exportrecord.Kind, params, file string, cols []string) (*csvExport, error) {
	rec, err := started(ctx, h.db, s, kind, params, "")
	if err != nil {
		return nil, err
	}
	attachment(w, file)
	out := newSheet(w)
	if err := out.header(cols...); err != nil {
		return nil, errStartedBy(err)
	}
	return &csvExport{rec: rec, out: out}, nil
}

// end records that the export wrote its last row.
func (e *csvExport) end(ctx context.Context) error {
	if err := e.rec.completed(ctx, e.out.rows); err != nil {
		return errStartedBy(err)
	}
	return nil
}
