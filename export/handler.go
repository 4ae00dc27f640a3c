package export

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/viewer"
)

// Handler serves the exports and the face sheet. It expects the viewer in
// the request's context (the server's authentication in front of it).
type Handler struct {
	db      *ent.Client
	present graphql.ErrorPresenterFunc
	mux     *http.ServeMux
}

// New returns the handler of /exports/… and /clients/{id}/face-sheet over
// db, answering errors as the GraphQL API does (present: coded, logged,
// INTERNAL with the request ID for what is not the caller's fault).
func New(db *ent.Client, present graphql.ErrorPresenterFunc) *Handler {
	h := &Handler{db: db, present: present, mux: http.NewServeMux()}
	h.route("/exports/clients.csv", h.clients)
	h.route("/exports/contacts.csv", h.contacts)
	h.route("/exports/appointments.csv", h.appointments)
	h.route("/clients/{id}/face-sheet", h.faceSheet)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		graph.WriteError(r.Context(), w, &graph.RequestError{Status: http.StatusNotFound, Code: graph.CodeNotFound,
			Message: "kith serves nothing at this path; the exports are /exports/clients.csv, /exports/contacts.csv and /exports/appointments.csv"})
	})
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// route serves path with serve for GET, and answers 405 to other methods:
// HEAD too, since an export or a face sheet is read and recorded on the
// audit list only when it is fetched.
func (h *Handler) route(path string, serve func(http.ResponseWriter, *http.Request) error) {
	h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			graph.WriteError(r.Context(), w, &graph.RequestError{Status: http.StatusMethodNotAllowed, Code: graph.CodeMethodNotAllowed,
				Message: "this path answers GET only, not " + strconv.Quote(r.Method)})
			return
		}
		if err := serve(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

// errStarted marks a failure after the answer began: nothing more can be
// said to the client, whose download is cut short.
var errStarted = errors.New("export: failed after the first rows were sent")

// fail answers err as the API would, with the HTTP status of its code. An
// error after the answer began (errStarted) is logged through present and
// the connection is cut, so the client sees an incomplete download rather
// than a short file.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	g := h.present(r.Context(), err)
	if errors.Is(err, errStarted) {
		panic(http.ErrAbortHandler)
	}
	code, _ := g.Extensions["code"].(string)
	graph.WriteErrors(r.Context(), w, statusOf(code), gqlerror.List{g})
}

// statusOf is the HTTP status of an error code.
func statusOf(code string) int {
	switch code {
	case graph.CodeBadUserInput:
		return http.StatusBadRequest
	case graph.CodeUnauthenticated:
		return http.StatusUnauthorized
	case graph.CodeForbidden:
		return http.StatusForbidden
	case graph.CodeNotFound:
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

// staffOf returns the staff viewer of ctx: nobody signed in is
// UNAUTHENTICATED, a portal session FORBIDDEN, and so is staff other than
// owners and admins when admin is asked. An API key is FORBIDDEN too
// (kith.ErrNotAPerson): the audit list names the person who took the
// records out.
func staffOf(ctx context.Context, admin bool) (viewer.Staff, error) {
	switch v := viewer.FromContext(ctx).(type) {
	case viewer.Staff:
		if _, ok := v.Person(); !ok {
			return v, kith.ErrNotAPerson
		}
		if admin && !v.CanAdminister() {
			return v, kith.ErrForbidden
		}
		return v, nil
	case nil:
		return viewer.Staff{}, kith.ErrUnauthenticated
	}
	return viewer.Staff{}, kith.ErrStaffOnly
}

// attachment sets the headers of a CSV download named name.
func attachment(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store") // health information: no copy in a cache
}
