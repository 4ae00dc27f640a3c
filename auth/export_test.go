package auth

// SetCompare puts compare in place of s's bcrypt comparison of a password
// with its hash, for tests that hold a sign-in in it. Call it before s
// serves a request.
func SetCompare(s *Service, compare func(hash, password []byte) error) { s.compare = compare }
