package io.orisun.api;

/** The order of a read: oldest first ({@link #ASC}) or newest first ({@link #DESC}). */
public enum Direction { ASC, DESC }
