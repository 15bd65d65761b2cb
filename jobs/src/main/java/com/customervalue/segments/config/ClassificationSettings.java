package com.customervalue.segments.config;

import com.customervalue.segments.classify.LifecycleThresholds;
import com.customervalue.segments.classify.PlaybookRule;
import com.customervalue.segments.classify.ValueGradeShares;
import java.math.BigDecimal;
import java.util.List;

/** The rule-based CRM classifications: lifecycle, value grade, amount level, recommended action. */
public record ClassificationSettings(
    LifecycleThresholds lifecycle,
    ValueGradeShares valueGrades,
    List<BigDecimal> amountLevels,
    List<PlaybookRule> playbook) {}
