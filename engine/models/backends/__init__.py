"""Model backends behind one interface; heavy libraries are imported only when used."""
