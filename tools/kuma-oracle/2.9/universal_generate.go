package main

func generateUniversal(req request) response {
	return response{Error: "generate: Universal generation is not implemented for this version"}
}
