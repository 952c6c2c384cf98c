package calendar

import "math"

// Astronomy for the lunisolar calendar, after the published formulas in
// Jean Meeus, "Astronomical Algorithms" (2nd ed., 1998): chapter 49 for the
// instants of new moon, chapter 25 (low-accuracy method) for the Sun's
// apparent longitude, and the ΔT polynomials of Espenak & Meeus (NASA,
// "Five Millennium Canon of Solar Eclipses", 2006). All angles in degrees,
// all instants as Julian dates.
//
// Accuracy is what the calendar needs: new moons within a minute or so of
// the precise ephemeris, the Sun's longitude within about 0.01° (some
// minutes of time). A calendar day is decided by which side of local
// midnight an event falls, so only events within minutes of midnight could
// come out differently from an official almanac.

const (
	// j2000 is the Julian Ephemeris Day of 2000-01-01 12:00 TT.
	j2000 = 2451545.0
	// meanSynodicMonth is the mean interval between new moons, in days.
	meanSynodicMonth = 29.530588861
	// newMoonEpoch is the mean new moon of 2000-01-06 (k = 0 in Meeus).
	newMoonEpoch = 2451550.09766
)

func sinDeg(x float64) float64 { return math.Sin(x * math.Pi / 180) }

// normDeg brings an angle into [0, 360).
func normDeg(x float64) float64 {
	x = math.Mod(x, 360)
	if x < 0 {
		x += 360
	}
	return x
}

// newMoonTT returns the instant (Julian Ephemeris Day, TT) of new moon
// number k, counted from the new moon of 6 January 2000 (k = 0); negative k
// go back in time.
func newMoonTT(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries from J2000, near enough for the series
	t2, t3, t4 := t*t, t*t*t, t*t*t*t

	// Mean phase; then the mean anomalies of Sun (m) and Moon (mp), the
	// Moon's argument of latitude (f) and its ascending node (om).
	jde := newMoonEpoch + meanSynodicMonth*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4
	e := 1 - 0.002516*t - 0.0000074*t2
	m := 2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3
	mp := 201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4
	f := 160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4
	om := 124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3

	// Periodic terms of the true new moon (Meeus, ch. 49). E weakens the
	// terms in M, the Sun's anomaly, as the Earth's orbit grows rounder.
	jde += -0.40720*sinDeg(mp) +
		0.17241*e*sinDeg(m) +
		0.01608*sinDeg(2*mp) +
		0.01039*sinDeg(2*f) +
		0.00739*e*sinDeg(mp-m) -
		0.00514*e*sinDeg(mp+m) +
		0.00208*e*e*sinDeg(2*m) -
		0.00111*sinDeg(mp-2*f) -
		0.00057*sinDeg(mp+2*f) +
		0.00056*e*sinDeg(2*mp+m) -
		0.00042*sinDeg(3*mp) +
		0.00042*e*sinDeg(m+2*f) +
		0.00038*e*sinDeg(m-2*f) -
		0.00024*e*sinDeg(2*mp-m) -
		0.00017*sinDeg(om) -
		0.00007*sinDeg(mp+2*m) +
		0.00004*sinDeg(2*mp-2*f) +
		0.00004*sinDeg(3*m) +
		0.00003*sinDeg(mp+m-2*f) +
		0.00003*sinDeg(2*mp+2*f) -
		0.00003*sinDeg(mp+m+2*f) +
		0.00003*sinDeg(mp-m+2*f) -
		0.00002*sinDeg(mp-m-2*f) -
		0.00002*sinDeg(3*mp+m) +
		0.00002*sinDeg(4*mp)

	// Small additional corrections, mostly planetary perturbations of the
	// Moon; together they stay under a minute of time.
	jde += 0.000325*sinDeg(299.77+0.107408*kf-0.009173*t2) +
		0.000165*sinDeg(251.88+0.016321*kf) +
		0.000164*sinDeg(251.83+26.651886*kf) +
		0.000126*sinDeg(349.42+36.412478*kf) +
		0.000110*sinDeg(84.66+18.206239*kf) +
		0.000062*sinDeg(141.74+53.303771*kf) +
		0.000060*sinDeg(207.14+2.453732*kf) +
		0.000056*sinDeg(154.84+7.306860*kf) +
		0.000047*sinDeg(34.52+27.261239*kf) +
		0.000042*sinDeg(207.19+0.121824*kf) +
		0.000040*sinDeg(291.34+1.844379*kf) +
		0.000037*sinDeg(161.72+24.198154*kf) +
		0.000035*sinDeg(239.56+25.513099*kf) +
		0.000023*sinDeg(331.55+3.592518*kf)
	return jde
}

// sunLongitude returns the Sun's apparent geocentric longitude, referred to
// the true equinox of date, at Julian Ephemeris Day jde.
func sunLongitude(jde float64) float64 {
	t := (jde - j2000) / 36525
	l0 := 280.46646 + 36000.76983*t + 0.0003032*t*t // mean longitude
	m := 357.52911 + 35999.05029*t - 0.0001537*t*t  // mean anomaly
	// Equation of the centre: from mean to true longitude.
	c := (1.914602-0.004817*t-0.000014*t*t)*sinDeg(m) +
		(0.019993-0.000101*t)*sinDeg(2*m) +
		0.000289*sinDeg(3*m)
	// Aberration and the main term of nutation give the apparent longitude.
	om := 125.04 - 1934.136*t
	return normDeg(l0 + c - 0.00569 - 0.00478*sinDeg(om))
}

// deltaT returns TT − UT in days for a Julian date, from the piecewise
// polynomials of Espenak & Meeus. Before 1800 and after 2150 it uses their
// long-term parabola; the calendar only needs 1900–2200.
func deltaT(jd float64) float64 {
	y := 2000 + (jd-j2000)/365.25
	var s float64
	switch {
	case y < 1800 || y >= 2150:
		u := (y - 1820) / 100
		s = -20 + 32*u*u
	case y < 1860:
		t := y - 1800
		s = 13.72 - 0.332447*t + 0.0068612*t*t + 0.0041116*t*t*t - 0.00037436*math.Pow(t, 4) +
			0.0000121272*math.Pow(t, 5) - 0.0000001699*math.Pow(t, 6) + 0.000000000875*math.Pow(t, 7)
	case y < 1900:
		t := y - 1860
		s = 7.62 + 0.5737*t - 0.251754*t*t + 0.01680668*t*t*t - 0.0004473624*math.Pow(t, 4) + math.Pow(t, 5)/233174
	case y < 1920:
		t := y - 1900
		s = -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*math.Pow(t, 4)
	case y < 1941:
		t := y - 1920
		s = 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		s = 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		s = 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		s = 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t + 0.000651814*math.Pow(t, 4) + 0.00002373599*math.Pow(t, 5)
	case y < 2050:
		t := y - 2000
		s = 62.92 + 0.32217*t + 0.005589*t*t
	default: // 2050–2150
		u := (y - 1820) / 100
		s = -20 + 32*u*u - 0.5628*(2150-y)
	}
	return s / 86400
}
