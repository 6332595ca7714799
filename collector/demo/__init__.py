"""`evidence demo`: a local sample estate served by moto, collected into ./evidence-demo.db."""
