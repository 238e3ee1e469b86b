"""The acting parties the tests' service calls pass: a delegate, an organiser, the system."""

from app.actors import Actor

DELEGATE = Actor.delegate()
ORGANISER = Actor.organiser(1)
SYSTEM = Actor.system("tests")
