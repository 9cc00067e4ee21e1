package config

// web checks the web section (listen address, token variable).
func (v *validator) web() {}
