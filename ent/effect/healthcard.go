package effect

import "github.com/kith-health/kith/healthcard"

// validatorHolder wraps a healthcard.Validator for atomic.Pointer.
type validatorHolder struct{ v healthcard.Validator }

// SetHealthCardValidator makes v the validator of the slot's client's
// health cards, such as an online eligibility service, in place of the
// format check (healthcard.Format). The schema's hook always runs the
// format check first; v sees only a well-formed card. Set it once, before
// the client serves requests; nil restores the format check alone.
func (s *Slot) SetHealthCardValidator(v healthcard.Validator) {
	if s == nil {
		return
	}
	if v == nil {
		s.hc.Store(nil)
		return
	}
	s.hc.Store(&validatorHolder{v})
}

// HealthCardValidator is the attached validator, or healthcard.Format{}
// when none is.
func (s *Slot) HealthCardValidator() healthcard.Validator {
	if s == nil {
		return healthcard.Format{}
	}
	if h := s.hc.Load(); h != nil {
		return h.v
	}
	return healthcard.Format{}
}
