// Package document owns the documents staff share with a client through
// the portal: kith keeps the address of the file in the practice's file
// store and what the portal shows about it, never the file. A contact sees
// them with the VIEW_DOCUMENTS scope (rule.AllowPortalScopeRows); opening
// one in the portal is recorded in the client's portal activity.
package document

import (
	"context"
	"fmt"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/activity"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/shareddocument"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// ActionViewed is the portal activity of a portal user opens a shared
// document (reads its download address).
const ActionViewed = "DOCUMENT_VIEWED"

// Input describes a document to share. kith keeps the address of
// the file in the practice's file store and what the portal shows about it,
// not the file itself.
type Input struct {
	// Title is what the portal calls the document.
	Title string
	// Description is a few words about it; optional.
	Description string
	// FileName is the file's name, such as treatment-plan.pdf.
	FileName string
	// ContentType is the file's media type, such as application/pdf; optional.
	ContentType string
	// SizeBytes is the file's size, when known.
	SizeBytes *int64
	// URL is the absolute https address of the file.
	URL string
}

// Share shares a document with client id through the portal, as
// the staff member in ctx. Another organisation's client reads as missing.
func Share(ctx context.Context, db *ent.Client, client pulid.ID, in Input) (*ent.SharedDocument, error) {
	c, err := db.ClientProfile.Get(ctx, client)
	if err != nil {
		return nil, notFoundAs("clientId", client, err)
	}
	create := db.SharedDocument.Create().
		SetClientID(c.ID).SetTitle(in.Title).SetDescription(in.Description).
		SetFileName(in.FileName).SetContentType(in.ContentType).SetURL(in.URL).
		SetNillableSizeBytes(in.SizeBytes)
	if st, ok := viewer.StaffFromContext(ctx); ok {
		if id, ok := st.Person(); ok { // an API key shares for nobody
			create.SetSharedByID(id)
		}
	}
	d, err := create.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("sharing a document: %w", err)
	}
	return d, nil
}

// List lists up to first documents shared with client c, newest
// first, as the viewer in ctx may see them: staff all, a portal viewer
// those of the client it acts for when it may (rule.AllowPortalScopeRows).
func List(ctx context.Context, db *ent.Client, c pulid.ID, first int) ([]*ent.SharedDocument, error) {
	out, err := db.SharedDocument.Query().
		Where(shareddocument.ClientID(c)).
		Order(ent.Desc(shareddocument.FieldCreatedAt), ent.Desc(shareddocument.FieldID)).
		Limit(min(max(first, 0), 100)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing shared documents: %w", err)
	}
	return out, nil
}

// Open is document id as the portal viewer in ctx may see it, and
// records that it viewed it. One it may not see reads as missing.
func Open(ctx context.Context, db *ent.Client, id pulid.ID) (*ent.SharedDocument, error) {
	d, err := db.SharedDocument.Get(ctx, id)
	if err != nil {
		return nil, notFoundAs("id", id, err)
	}
	if err := activity.Record(ctx, db, ActionViewed, d.Title, d.ID); err != nil {
		return nil, err
	}
	return d, nil
}

// notFoundAs reports a record the viewer cannot read as missing on field.
func notFoundAs(field string, id pulid.ID, err error) error {
	if ent.IsNotFound(err) {
		return &kith.NotFoundError{Field: field, ID: id}
	}
	return err
}
