package io.orisun.index;

/** How the conditions of a partial index combine: all must hold ({@link #AND}) or any ({@link #OR}). */
public enum Combinator {
    AND,
    OR
}
