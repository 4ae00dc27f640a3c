package export

import (
	"context"
	"fmt"
	"time"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/exportrecord"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// audit is one entry of the audit list being written.
type audit struct {
	db  *ent.Client
	rec *ent.ExportRecord
}

// started records, as kith in s's organisation, that s began an export of
// kind with params (and, for a face sheet, its client), before its first
// row is written: an export that breaks off is still on the list, without
// completedAt.
func started(ctx context.Context, db *ent.Client, s viewer.Staff, kind exportrecord.Kind, params string, client pulid.ID) (*audit, error) {
	create := db.ExportRecord.Create().SetOrganizationID(s.OrgID).SetStaffID(s.StaffID).
		SetKind(kind).SetParameters(params)
	if client != "" {
		create.SetClientID(client)
	}
	rec, err := create.Save(viewer.NewContext(ctx, viewer.System{OrgID: s.OrgID}))
	if err != nil {
		return nil, fmt.Errorf("recording the export: %w", err)
	}
	return &audit{db: db, rec: rec}, nil
}

// completed records that the export wrote its last row, rows in all.
func (a *audit) completed(ctx context.Context, rows int) error {
	err := a.db.ExportRecord.UpdateOne(a.rec).SetRowCount(rows).SetCompletedAt(time.Now().UTC()).
		Exec(viewer.NewContext(ctx, viewer.System{OrgID: a.rec.OrganizationID}))
	if err != nil {
		return fmt.Errorf("completing the export's record: %w", err)
	}
	return nil
}
