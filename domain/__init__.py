"""Plain definitions shared by every layer: periods, channels and the KPIs. No SQL, no Dash."""
