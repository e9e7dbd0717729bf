"""The models behind the controller: small, mostly Qt-free, each tested on its own."""
